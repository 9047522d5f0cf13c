"""The event page and its roster CSV through Django's test client, on dynalite."""

import csv
import io
import re

import pytest

from tests.factories import event_item, legacy_payment, patron, payment_record

CANCELLED = {"cancelled_at": "2026-11-02T10:00:00.000+00:00", "cancel_reason": '=HYPERLINK("x")'}


@pytest.fixture
def day(raw_table, settings):
    settings.PUBLIC_URL = "https://dispatch.example.com"
    raw_table.put(
        event_item(
            "day",
            price="50",
            roster=[
                patron("p1", "Zoe Zed", "zoe@example.com", checked_in_at="2026-11-03T16:00:00.000+00:00"),
                patron("p2", "=cmd|' /C calc'!A0", "amy@example.com", phone="+1 206 555 0100"),
                patron("p3", "Carl Cancel", **CANCELLED),
                patron("p4", "Bea Owes", waiver_signed_at="2026-11-01T16:00:00.000+00:00"),
            ],
            payments=[
                payment_record("a", "p1", "50", method={"S": "card"}),
                payment_record("b", "p2", "70", method={"S": "cash"}),
                payment_record("c", "p2", "5", method={"S": "venmo"}),
                payment_record("d", "p3", "50", method={"S": "card"}),
                payment_record("e", "p4", "10"),
                legacy_payment("15"),
            ],
        )
    )
    return raw_table


def page(client, query=""):
    response = client.get(f"/events/day/{query}")
    assert response.status_code == 200
    return response.content.decode()


def names_in_order(html):
    return re.findall(r'<tr class="patron-row[^"]*" data-patron-id="([^"]+)"', html)


def test_rows_add_up_to_the_header_and_say_why_legacy_counts_apart(admin_client, day):
    html = page(admin_client)
    # Expected: 3 active x 50 = 150; paid 50 + 75 + 50 + 10 + 15 = 200; outstanding -50 (overpaid).
    assert 'data-field="expected">$150.00<' in html and 'data-field="paid">$200.00<' in html
    assert 'data-field="outstanding">Overpaid $50.00<' in html
    assert "Overpaid $25.00" in html and "Overpaid $50.00" in html  # p2 overpaid; p3 cancelled after paying
    assert "No patron recorded (legacy)" in html and "count toward the event's totals only" in html
    assert html.count("Event total") == 1


def test_roster_sorts_by_query_with_cancelled_last(admin_client, day):
    assert names_in_order(page(admin_client)) == ["p1", "p2", "p4", "p3"]
    assert names_in_order(page(admin_client, "?sort=name")) == ["p2", "p4", "p1", "p3"]
    assert names_in_order(page(admin_client, "?sort=-name")) == ["p1", "p4", "p2", "p3"]
    assert names_in_order(page(admin_client, "?sort=outstanding")) == ["p2", "p1", "p4", "p3"]
    assert names_in_order(page(admin_client, "?sort=-checked_in")) == ["p1", "p2", "p4", "p3"]
    html = page(admin_client, "?sort=-paid")
    assert names_in_order(html) == ["p2", "p1", "p4", "p3"]
    assert 'aria-sort="descending"><a href="?sort=paid#roster">Paid</a>' in html
    assert names_in_order(page(admin_client, "?sort=<script>")) == ["p1", "p2", "p4", "p3"]


def test_admin_sees_actions_and_staff_only_reads(admin_client, staff_client, day):
    html = page(admin_client)
    # Cancelled Carl: no check-in, no Log Payment, no second cancel; the others have all four.
    assert html.count('class="button small primary checkin-toggle"') == 2  # Amy and Bea (Zoe is checked in)
    assert html.count("Undo check-in") == 1
    assert html.count('class="button small log-payment"') == 3
    assert 'data-patron-id="p4" data-amount="40.00"' in html  # Log Payment prefilled with what Bea owes
    assert html.count('class="button small danger cancel-booking"') == 3
    assert html.count('class="button small edit-patron"') == 4
    assert "Add patron" in html and 'id="refund-dialog"' in html
    assert html.count('class="button small refund-payment"') == 5  # every payment with an id
    staff = page(staff_client)
    for needle in ("checkin-toggle", "log-payment", "cancel-booking", "edit-patron", "refund-payment", "Add patron"):
        assert needle not in staff, needle
    assert "Download roster CSV" in staff and "Copy link" in staff


def test_waiver_link_is_absolute_from_the_setting_never_the_host(admin_client, day, settings):
    html = admin_client.get("/events/day/", HTTP_HOST="localhost:8123").content.decode()
    assert 'value="https://dispatch.example.com/g/day/waiver"' in html and "localhost" not in html
    assert "<svg" in html and 'class="qr"' in html
    settings.PUBLIC_URL = ""
    html = page(admin_client)
    assert "<svg" not in html and "<code>/g/day/waiver</code>" in html and "SCC_PUBLIC_URL" in html


def test_waiver_link_carries_the_url_prefix(admin_client, day, settings):
    from django.urls import clear_url_caches, set_script_prefix

    from events import selectors

    settings.PUBLIC_URL = "https://dispatch.example.com"
    set_script_prefix("/_staging/")
    try:
        assert selectors.waiver_url("day") == "https://dispatch.example.com/_staging/g/day/waiver"
    finally:
        set_script_prefix("/")
        clear_url_caches()


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="scc-roster-day.csv"'
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # a UTF-8 BOM: Excel reads accented names right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_roster_csv(staff_client, day):
    header, *rows = read_csv(staff_client.get("/events/day/roster.csv"))
    assert header == [
        "name",
        "email",
        "phone",
        "waiver_signed",
        "checked_in",
        "cancelled",
        "cancel_reason",
        "paid",
        "outstanding",
        "methods",
        "patron_id",
    ]
    by_id = {row[-1]: row for row in rows}
    assert by_id["p1"] == ["Zoe Zed", "zoe@example.com", "", "", "2026-11-03T16:00:00.000+00:00", "", "", "50.00",
                           "0.00", "Card", "p1"]  # fmt: skip
    assert by_id["p2"][0] == "'=cmd|' /C calc'!A0"  # neutralised like the audit CSV
    assert by_id["p2"][7:10] == ["75.00", "-25.00", "Cash, Venmo"]
    assert by_id["p3"][5] == CANCELLED["cancelled_at"] and by_id["p3"][6].startswith("'=")
    assert by_id["p3"][7:9] == ["50.00", "-50.00"]
    assert by_id["p4"][3] == "2026-11-01T16:00:00.000+00:00" and by_id["p4"][7:10] == ["10.00", "40.00", ""]


def test_roster_csv_and_page_of_an_unknown_event_are_404(staff_client, tables):
    assert staff_client.get("/events/nope/roster.csv").status_code == 404
    assert staff_client.get("/events/nope/").status_code == 404


def test_event_with_ids_that_need_quoting(staff_client, raw_table):
    raw_table.put(event_item("a/b c", roster=[patron("p1", "Ada")]))
    response = staff_client.get("/events/a/b%20c/roster.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scc-roster-a-b-c.csv"'
    # Links carry the id encoded (events.urls.EventIdConverter); the raw form above still resolves.
    assert 'href="/events/~YS9iIGM/roster.csv"' in staff_client.get("/events/a/b%20c/").content.decode()
    assert staff_client.get("/events/~YS9iIGM/roster.csv").status_code == 200
