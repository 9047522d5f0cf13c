import csv
import io
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.http import StreamingHttpResponse
from django.test import Client

from accounts.models import Operator
from payments import selectors
from tests.conftest import PASSWORD, signed_in_client
from tests.factories import event_item, legacy_payment, patron


def entry(at, operator, action, *, payment_id=None, patron_id=None, amount=None, detail=None):
    data = {"at": {"S": at}, "operator": {"S": operator}, "action": {"S": action}}
    if payment_id:
        data["payment_id"] = {"S": payment_id}
    if patron_id:
        data["patron_id"] = {"S": patron_id}
    if amount is not None:
        data["amount"] = {"N": amount}
    if detail:
        data["detail"] = {"S": detail}
    return {"M": data}


def record(payment_id, at, operator, patron_id, amount, *, kind="payment", voids=None, notes=""):
    data = {
        "payment_id": {"S": payment_id},
        "timestamp": {"S": at},
        "operator": {"S": operator},
        "patron_id": {"S": patron_id},
        "amount": {"N": amount},
        "notes": {"S": notes},
        "email_sent": {"BOOL": False},
        "kind": {"S": kind},
    }
    if voids:
        data["voids"] = {"S": voids}
    return {"M": data}


P1, V1, P2 = (str(uuid.UUID(int=n)) for n in (1, 2, 3))


@pytest.fixture
def staff_client(tables):
    """A staff operator added before operator changes were audited (written raw, as the old version did):
    these tests see the events' entries only. Operator entries: tests/test_operators.py."""
    Operator("sam", role="staff", password_hash=make_password(PASSWORD), disabled=False).save()
    return signed_in_client("sam")


@pytest.fixture
def trail(raw_table):
    raw_table.put(
        event_item(
            "sunset",
            roster=[patron("p1", "Ada Lovelace"), patron("p2", "Grace Hopper")],
            payments=[
                legacy_payment("45", operator="admin", notes="cash at dock", timestamp="2026-10-01T17:00:00+00:00"),
                record(P1, "2026-11-01T10:00:00.000+00:00", "alice", "p1", "45", notes="card"),
                record(V1, "2026-11-02T10:00:00.000+00:00", "bob", "p1", "-45", kind="void", voids=P1),
            ],
            payment_ids={"SS": [P1, V1]},
            audit={
                "L": [
                    entry("2026-10-15T09:00:00.000+00:00", "public", "waiver.signed", patron_id="p2"),
                    entry(
                        "2026-11-01T10:00:00.000+00:00",
                        "alice",
                        "payment.logged",
                        payment_id=P1,
                        patron_id="p1",
                        amount="45",
                    ),
                    entry(
                        "2026-11-02T10:00:00.000+00:00",
                        "bob",
                        "payment.voided",
                        payment_id=V1,
                        patron_id="p1",
                        amount="-45",
                        detail=f"Voids {P1}: wrong card",
                    ),
                    entry("2026-11-03T10:00:00.000+00:00", "alice", "email.sent", payment_id=P1, patron_id="p1"),
                ]
            },
        )
    )
    raw_table.put(
        event_item(
            "harbor",
            roster=[patron("p9", "Linus Pauling")],
            payments=[record(P2, "2026-11-05T10:00:00.000+00:00", "bob", "p9", "30.5")],
            payment_ids={"SS": [P2]},
            audit={
                "L": [
                    entry("2026-11-05T10:00:00.000+00:00", "bob", "payment.logged", payment_id=P2, patron_id="p9"),
                    entry("2026-11-06T10:00:00.000+00:00", "bob", "email.failed", payment_id=P2, detail="SES rejected"),
                ]
            },
        )
    )
    raw_table.put(event_item("quiet"))


def rows_of(client, query=""):
    response = client.get(f"/audit/{query}")
    assert response.status_code == 200
    page = response.context["page"]
    return [(r.event_id, r.action, r.operator) for r in page.rows], response


def test_every_entry_newest_first_with_legacy_rows(staff_client, trail):
    rows, response = rows_of(staff_client)
    assert rows == [
        ("harbor", "email.failed", "bob"),
        ("harbor", "payment.logged", "bob"),
        ("sunset", "email.sent", "alice"),
        ("sunset", "payment.voided", "bob"),
        ("sunset", "payment.logged", "alice"),
        ("sunset", "waiver.signed", "public"),
        ("sunset", "payment.logged", "admin"),  # legacy record, synthesized
    ]
    page = response.context["page"]
    legacy = page.rows[-1]
    assert legacy.legacy and legacy.payment_id is None and str(legacy.amount) == "45.00"
    assert legacy.detail == "cash at dock"
    # amount and patron come from the payment record when the entry lacks them
    assert str(page.rows[1].amount) == "30.50" and page.rows[0].patron_name == "Linus Pauling"
    html = response.content.decode()
    assert "Showing 1–7 of 7" in html
    assert 'href="/events/harbor/"' in html and "Ada Lovelace" in html and "Legacy" in html
    totals = page.totals
    assert (totals.payments, str(totals.paid), totals.voids, str(totals.voided)) == (3, "120.50", 1, "-45.00")
    assert "$75.50" in html  # net
    assert 'href="/audit/"' in html  # nav link


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?operator=bob", 3),
        ("?operator=BOB", 3),
        ("?action=payment.logged", 3),
        ("?event=sunset", 5),
        ("?patron=ada", 3),
        ("?patron=p2", 1),
        ("?since=2026-11-02", 4),
        ("?until=2026-11-01", 3),
        ("?since=2026-11-01&until=2026-11-02", 2),
        ("?operator=bob&action=payment.logged", 1),
        ("?event=sunset&operator=alice&action=email.sent", 1),
        ("?event=harbor&patron=ada", 0),
        ("?operator=nobody", 0),
        ("?event=missing", 0),
    ],
)
def test_filters_and_combinations(staff_client, trail, query, expected):
    rows, _ = rows_of(staff_client, query)
    assert len(rows) == expected


def test_form_keeps_its_values_and_csv_link_carries_them(staff_client, trail):
    _, response = rows_of(staff_client, "?operator=bob&action=payment.logged&since=2026-11-01&page=1")
    html = response.content.decode()
    assert 'name="operator" type="text" value="bob"' in html
    assert '<option value="payment.logged" selected>' in html
    assert 'name="since" type="date" value="2026-11-01"' in html
    assert 'href="/audit.csv?operator=bob&amp;action=payment.logged&amp;since=2026-11-01"' in html


@pytest.mark.parametrize(
    "query",
    [
        "?since=yesterday",
        "?until=2026-13-45",
        "?since=2026-11-05&until=2026-11-01",
        "?action=drop",
        "?until=9999-12-31",
    ],
)
def test_bad_filters_give_a_message_not_a_500(staff_client, trail, query):
    response = staff_client.get(f"/audit/{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert">Check the filters' in html
    assert "Fix the filters above" in html
    csv_response = staff_client.get(f"/audit.csv{query}")
    assert csv_response.status_code == 400 and b"Invalid filters" in csv_response.content


def test_empty_states_say_what_to_do(staff_client, raw_table):
    html = staff_client.get("/audit/").content.decode()
    assert "Nothing has been recorded yet" in html
    raw_table.put(event_item("quiet"))
    html = staff_client.get("/audit/?operator=zed").content.decode()
    assert "No entries match these filters" in html and "clear the filters" in html


def test_pages_of_50_with_counts(staff_client, raw_table):
    entries = [
        entry(f"2026-11-01T10:{n // 60:02d}:{n % 60:02d}.000+00:00", "alice", "waiver.signed", detail=f"n{n}")
        for n in range(120)
    ]
    raw_table.put(event_item("busy", audit={"L": entries}))
    response = staff_client.get("/audit/?operator=alice&page=2")
    page = response.context["page"]
    assert "Showing 51–100 of 120" in response.content.decode()
    assert page.rows[0].detail == "n69" and page.rows[-1].detail == "n20"
    assert 'href="?operator=alice&amp;page=3"' in response.content.decode()
    last = staff_client.get("/audit/?operator=alice&page=99")
    assert "Showing 101–120 of 120" in last.content.decode()
    assert last.context["page"].rows[-1].detail == "n0"
    assert staff_client.get("/audit/?page=abc").status_code == 200


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="scc-audit-')
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # a UTF-8 BOM: Excel reads "José Ñúñez" right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "query", ["", "?operator=bob", "?event=sunset&since=2026-11-01", "?patron=ada&action=payment.logged"]
)
def test_csv_rows_equal_the_page_rows(staff_client, trail, query):
    page = staff_client.get(f"/audit/{query}").context["page"]
    header, *rows = read_csv(staff_client.get(f"/audit.csv{query}"))
    assert header == [
        "time",
        "local_time (America/Los_Angeles)",
        "operator",
        "action",
        "event_id",
        "event_title",
        "patron_id",
        "patron_name",
        "amount",
        "payment_id",
        "detail",
        "legacy",
        "method",
    ]
    from_page = sorted(
        (
            r.moment.isoformat(),
            r.operator,
            r.action,
            r.event_id,
            r.payment_id or "",
            "" if r.amount is None else str(r.amount),
        )
        for r in page.rows
    )
    assert from_page, "the query should select rows"
    assert sorted((r[0], r[2], r[3], r[4], r[9], r[8]) for r in rows) == from_page


def test_csv_values_and_formula_neutralisation(staff_client, raw_table):
    raw_table.put(
        event_item(
            "=evil",
            roster=[patron("p1", "@Mallory")],
            payments=[
                legacy_payment(
                    "12.5", operator='=HYPERLINK("http://x")', notes="+1+2", timestamp="2026-11-01T10:00:00Z"
                ),
                record(V1, "2026-11-02T10:00:00.000+00:00", "bob", "p1", "-45", kind="void", voids=P1),
            ],
            title={"S": "-2+3 charter"},
            audit={
                "L": [
                    entry(
                        "2026-11-02T10:00:00.000+00:00",
                        "bob",
                        "payment.voided",
                        payment_id=V1,
                        patron_id="p1",
                        amount="-45",
                        detail="\tcmd",
                    ),
                    entry("not a time", "\rx", "waiver.signed", patron_id="p1", detail="Ünïcode ✓"),
                ]
            },
        )
    )
    _, void, legacy, odd = read_csv(staff_client.get("/audit.csv"))
    assert void[0] == "2026-11-02T10:00:00+00:00"
    assert void[1] == "2026-11-02 02:00:00"  # beside UTC: the site's local time (Pacific Standard Time)
    assert void[4] == "'=evil" and void[5] == "'-2+3 charter" and void[7] == "'@Mallory"
    assert void[8] == "-45.00"  # our own decimal formatting: a number, not a formula
    assert void[10] == "'\tcmd" and void[11] == "no"
    assert legacy[2] == '\'=HYPERLINK("http://x")' and legacy[8] == "12.50" and legacy[10] == "'+1+2"
    assert legacy[0] == "2026-11-01T10:00:00+00:00" and legacy[1] == "2026-11-01 02:00:00" and legacy[11] == "yes"
    assert odd[0] == "not a time" and odd[1] == "" and odd[2] == "'\rx" and odd[10] == "Ünïcode ✓"


def test_reads_are_one_projected_scan_in_parallel_segments(staff_client, raw_table, settings, monkeypatch):
    for n in range(7):
        raw_table.put(event_item(f"ev-{n}", audit={"L": [entry("2026-11-01T10:00:00Z", "alice", "waiver.signed")]}))
    monkeypatch.setattr(selectors, "SCAN_PAGE_SIZE", 2)
    from scc.dynamodb import raw_client

    client = raw_client()
    calls = []

    def spy(params, model, **kwargs):
        if params.get("TableName") == settings.EVENTS_TABLE:
            projected = params.get("ProjectionExpression") and sorted(
                params.get("ExpressionAttributeNames", {}).values()
            )
            segment = (params.get("Segment"), params.get("TotalSegments"))
            calls.append((model.name, projected, segment, params.get("Limit"), "ExclusiveStartKey" in params))

    client.meta.events.register("provide-client-params.dynamodb.*", spy)
    try:
        assert "Showing 1–7 of 7" in staff_client.get("/audit/").content.decode()
        page_calls, calls[:] = list(calls), []
        assert len(read_csv(staff_client.get("/audit.csv"))) == 8
        csv_calls = list(calls)
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.*", spy)
    segments = selectors.SCAN_SEGMENTS
    assert segments > 1
    for read in (page_calls, csv_calls):
        assert {name for name, *_ in read} == {"Scan"}
        assert all(projected == sorted(selectors.AUDIT_ATTRIBUTES) for _, projected, *_ in read)
        assert all(limit == 2 for *_, limit, _ in read)
        # each segment is started once, then followed page by page: 7 items, 2 a page, need 4 pages or more
        started = sorted(segment for _, _, segment, _, resumed in read if not resumed)
        assert started == [(n, segments) for n in range(segments)]
        assert len(read) >= segments + 4 - 1 and len(read) >= 4


def test_roles(raw_table, staff_client):
    assert Client().get("/audit/").status_code == 302
    assert Client().get("/audit.csv").status_code == 302
    assert staff_client.get("/audit.csv").status_code == 200


def test_sparse_entries_from_other_software_still_show(staff_client, raw_table):
    raw_table.put(
        event_item(
            "odd",
            payments=[{"M": {"amount": {"N": "5"}}}],  # legacy with no timestamp or operator
            audit={"L": [{"M": {"action": {"S": "waiver.signed"}}}, {"M": {"at": {"S": "2026-11-01T10:00:00Z"}}}]},
        )
    )
    rows, response = rows_of(staff_client)
    assert sorted(rows) == [("odd", "", ""), ("odd", "payment.logged", ""), ("odd", "waiver.signed", "")]
    assert rows[0] == ("odd", "", "")  # the only dated row comes first
    assert len(read_csv(staff_client.get("/audit.csv"))) == 4


def test_a_failing_scan_is_a_503_and_stops_every_reader(staff_client, raw_table, settings):
    import threading

    from scc.dynamodb import raw_client

    raw_client().delete_table(TableName=settings.EVENTS_TABLE)  # the operator read still works
    response = staff_client.get("/audit/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    assert not [t for t in threading.enumerate() if t.name.startswith("scan-segment")]
