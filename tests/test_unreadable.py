"""Items other software wrote in shapes the app does not know: read as far as they can be, shown as
"Unreadable record" with the event id, logged once, never a 500 and never counted as 0 in silence."""

import csv
import io
import json
import logging

import pytest
from django.urls import reverse

from events import items
from tests.conftest import post_json
from tests.factories import event_item, patron, payment_record

PID = "00000000-0000-0000-0000-000000000001"
AS_TEXT = "00000000-0000-0000-0000-000000000002"  # its amount is stored as text


def odd_event(event_id="odd"):
    return event_item(
        event_id,
        price="45",
        title={"N": "5"},
        roster=[
            patron("p1", "Ada", "ada@example.com"),
            {"M": {"name": {"S": "No id"}}},
            {"S": "a string"},
        ],
        payments=[
            payment_record(PID, "p1", "45"),
            {"M": {**payment_record(AS_TEXT, "p1")["M"], "amount": {"S": "20"}}},
            payment_record("huge", "p1", "1E+30"),
            {"S": "not a record"},
        ],
        audit={
            "L": [{"M": {"at": {"S": "2026-11-01T10:00:00.000+00:00"}, "action": {"S": "payment.logged"}}}, {"N": "1"}]
        },
        other_software={"M": {"keep": {"S": "me"}}},
    )


@pytest.fixture
def odd(raw_table):
    raw_table.put(odd_event())
    raw_table.put(event_item("fine", roster=[patron("p1", "Grace")], payments=[payment_record("f1", "p1", "30")]))
    return raw_table


def test_the_reading_rules_note_what_they_cannot_read():
    event = items.read_event(odd_event())
    assert event.title is None and event.price == 45
    notes = dict(event.unreadable)
    assert notes["title"] == "a number, not text"
    assert notes["roster[1].patron_id"] == "missing"
    assert notes["roster[2]"] == "text, not a map"
    assert notes["payments[1].amount"] == "text, not a number"
    assert notes["payments[2].amount"].endswith("too large for money")
    assert notes["payments[3]"] == "text, not a map"
    assert notes["audit[1]"] == "a number, not a map"
    assert [r.counts for r in event.payments] == [True, False, False, False]
    assert [p.readable for p in event.roster] == [True, False, False]


def test_the_event_page_shows_what_it_can_and_says_what_it_cannot(admin_client, odd):
    page = admin_client.get(reverse("event-detail", args=["odd"])).content.decode()
    assert "Unreadable record" in page and "of event odd" in page
    assert "payments[1].amount" in page and "roster[2]" in page
    assert "Totals exclude 5 unreadable records." in page  # 3 records and 2 roster entries
    assert "$45.00" in page  # Ada's payment counts; the unreadable ones do not count as 0 in silence


def test_the_dispatch_card_says_its_totals_leave_records_out_and_others_are_untouched(admin_client, odd):
    page = admin_client.get("/?show=all").content.decode()
    assert "Totals exclude 5 unreadable records." in page
    assert "Charter fine" in page and "$30.00" in page


def test_the_api_lists_what_it_cannot_read_and_totals_say_how_many_they_leave_out(admin_client, odd):
    event = admin_client.get(reverse("api-event", args=["odd"])).json()["event"]
    assert event["totals"] == {"paid": "45.00", "expected": "45.00", "outstanding": "0.00", "unreadable_records": 5}
    assert [p["patron_id"] for p in event["roster"]] == ["p1"]
    assert [p["payment_id"] for p in event["payments"]] == [PID]
    assert {"where": "payments[1].amount", "problem": "text, not a number"} in event["unreadable"]


def test_the_audit_page_and_csv_show_unreadable_entries_and_the_csv_completes(admin_client, odd):
    page = admin_client.get("/audit/").content.decode()
    assert "Unreadable record (audit[1] of event odd)" in page
    response = admin_client.get("/audit.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    detail = rows[0].index("detail")
    assert any("Unreadable record (audit[1] of event odd)" in row[detail] for row in rows[1:])
    assert not rows[-1][0].startswith("INCOMPLETE EXPORT")


def test_a_warning_is_logged_once_per_item_not_per_request(admin_client, odd, caplog):
    items._warned.clear()
    with caplog.at_level(logging.WARNING, logger="scc.unreadable"):
        for _ in range(3):
            assert admin_client.get(reverse("event-detail", args=["odd"])).status_code == 200
    warnings = [r for r in caplog.records if r.name == "scc.unreadable" and "'odd'" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/payment-void", {"payment_id": AS_TEXT, "reason": "x"}),
        ("/api/payment-refund", {"payment_id": AS_TEXT, "amount": "1", "reason": "x"}),
        ("/api/payment-notify", {"payment_id": "huge"}),
    ],
)
def test_no_write_acts_on_a_record_it_cannot_read(api, odd, url, body):
    before = odd.get("odd")
    response = post_json(api, url, {"event_id": "odd", **body})
    assert response.status_code in (400, 409), response.content
    assert "cannot be read" in response.json()["error"]
    assert odd.get("odd") == before


def test_a_roster_stored_as_a_map_is_shown_and_writes_to_it_are_refused(api, admin_client, raw_table):
    item = event_item("mapped")
    item["roster"] = {"M": {"p1": {"S": "Ada"}}}
    raw_table.put(item)
    before = raw_table.get("mapped")
    page = admin_client.get(reverse("event-detail", args=["mapped"]))
    assert page.status_code == 200 and "a map, not a list" in page.content.decode()
    added = post_json(api, "/api/roster-add", {"event_id": "mapped", "name": "Grace"})
    assert added.status_code == 409 and "shape the app cannot change" in added.json()["error"]
    signed = admin_client.post(
        reverse("waiver", args=["mapped"]), {"full_name": "Grace", "email": "g@example.com", "agree": "on"}
    )
    assert signed.status_code == 409 and "contact the crew" in signed.content.decode()
    assert raw_table.get("mapped") == before


def test_a_csv_that_cannot_finish_says_so_in_its_last_line(admin_client, raw_table, tables, monkeypatch):
    from payments import selectors
    from scc.dynamodb import raw_client

    monkeypatch.setattr(selectors, "SCAN_PAGE_SIZE", 1)  # one event per Scan page: the table goes between pages
    for n in range(3):
        raw_table.put(event_item(f"ev-{n}", payments=[payment_record(f"x{n}", "p1", "10")]))
    response = admin_client.get("/audit.csv")
    assert response.status_code == 200
    stream = iter(response.streaming_content)
    lines = [next(stream)]  # the header: the response has begun
    raw_client().delete_table(TableName=tables.EVENTS_TABLE)
    lines += list(stream)
    last = lines[-1].decode()
    assert last.startswith("INCOMPLETE EXPORT: stopped after"), last
    json.dumps(last)  # one readable line
