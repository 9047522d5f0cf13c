"""The dispatch page as a changelist: Show (upcoming, past, all, owing), Search, pages of 25, cards' money.

Items are seeded raw, as other software writes them; pages go through Django's test client.
"""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from scc.dynamodb import raw_client
from tests.factories import event_item, patron, payment_record

UPCOMING = ["overpaid", "sunset", "free", "paid-up", "whales", "naive", "tba", "junk"]
PAST = ["past-owing", "past-old"]


def pid(n):
    return f"00000000-0000-0000-0000-{n:012d}"


@pytest.fixture
def seeded(raw_table):
    ada, grace = patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper", "grace@navy.example")
    raw_table.put(event_item("sunset", days=3, roster=[ada, grace], payments=[payment_record(pid(1), "p1", "45")]))
    raw_table.put(event_item("whales", days=9, price=None, title={"S": "San Juan Whale Watch"}))
    raw_table.put(event_item("free", days=5, price="0", roster=[ada], location={"S": "Lake Union Park"}))
    raw_table.put(event_item("paid-up", days=7, roster=[grace], payments=[payment_record(pid(2), "p2", "45")]))
    raw_table.put(
        event_item("overpaid", days=2, price="20", roster=[ada], payments=[payment_record(pid(3), "p1", "30")])
    )
    raw_table.put(event_item("past-owing", days=-5, price="100", roster=[grace]))
    raw_table.put(event_item("past-old", days=-30, roster=[ada], payments=[payment_record(pid(4), "p1", "45")]))
    # Starts other software may have written: no offset, none at all, words, a number.
    raw_table.put(event_item("naive", days=20, starts_at={"S": "2099-06-01T10:00:00"}))
    raw_table.put(event_item("tba", days=0, starts_at={"NULL": True}))
    raw_table.put(event_item("junk", days=0, starts_at={"S": "TBD"}, capacity={"N": "12"}))
    del_start = event_item("no-start", days=0)
    del del_start["starts_at"]
    raw_table.put(del_start)
    return raw_table


def listed(response):
    assert response.status_code == 200
    return re.findall(r'<article class="card[^"]*" data-event-id="([^"]+)"', response.content.decode())


def test_upcoming_is_the_default_soonest_first_then_undated(admin_client, seeded):
    ids = listed(admin_client.get("/"))
    assert ids[:6] == ["overpaid", "sunset", "free", "paid-up", "whales", "naive"]
    assert sorted(ids[6:]) == ["junk", "no-start", "tba"]  # no readable start: listed last, by id
    assert listed(admin_client.get("/?show=upcoming")) == ids
    assert listed(admin_client.get("/?show=nonsense")) == ids


def test_past_is_newest_first(admin_client, seeded):
    assert listed(admin_client.get("/?show=past")) == ["past-owing", "past-old"]


def test_all_lists_upcoming_then_past(admin_client, seeded):
    ids = listed(admin_client.get("/?show=all"))
    assert ids[:6] == ["overpaid", "sunset", "free", "paid-up", "whales", "naive"] and ids[-2:] == PAST
    assert len(ids) == 11


def test_outstanding_balance_lists_only_events_still_owed(admin_client, seeded):
    response = admin_client.get("/?show=owing")
    assert listed(response) == ["sunset", "past-owing"]
    assert "2 events with an outstanding balance" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ada", ["overpaid", "sunset", "free"]),  # a patron's name, any case
        ("GRACE@NAVY", ["sunset", "paid-up"]),  # a patron's email
        ("lake union", ["free"]),  # the location
        ("whale", ["whales"]),  # the title
        ("  whale   watch ", ["whales"]),
    ],
)
def test_search_matches_title_location_and_patrons(admin_client, seeded, query, expected):
    assert listed(admin_client.get("/", {"q": query})) == expected


def test_search_keeps_the_show_filter(admin_client, seeded):
    assert listed(admin_client.get("/", {"q": "grace", "show": "past"})) == ["past-owing"]
    assert listed(admin_client.get("/", {"q": "grace", "show": "all"})) == ["sunset", "paid-up", "past-owing"]


def test_no_results_names_the_search_and_offers_a_way_out(admin_client, seeded):
    html = admin_client.get("/", {"q": "zebra", "show": "past"}).content.decode()
    assert "No results for “zebra” among past events." in html
    assert 'href="?show=past">Clear the search</a>' in html
    assert 'href="?q=zebra&amp;show=all">search all events</a>' in html


@pytest.mark.parametrize(
    ("show", "words"),
    [
        ("upcoming", "No upcoming events."),
        ("past", "No past events yet."),
        ("all", "No events yet."),
        ("owing", "No event has an outstanding balance"),
    ],
)
def test_each_view_has_its_own_empty_state(admin_client, tables, show, words):
    html = admin_client.get("/", {"show": show}).content.decode()
    assert words in html and "<article" not in html


def test_cards_show_paid_expected_and_outstanding_in_words(admin_client, seeded):
    html = admin_client.get("/?show=all").content.decode()

    def card(event_id):
        return re.search(rf'data-event-id="{event_id}".*?</article>', html, re.S).group(0)

    assert 'data-field="outstanding" class="owing">$45.00<' in card("sunset")
    assert 'data-field="expected">$90.00<' in card("sunset") and 'data-field="paid">$45.00<' in card("sunset")
    assert 'data-field="outstanding" class="overpaid">Overpaid $10.00<' in card("overpaid")
    assert 'data-field="outstanding" class="settled">$0.00<' in card("paid-up")
    assert "Free trip" in card("free") and "<meter" not in card("free")
    assert "No price set" in card("whales") and 'data-field="outstanding"' not in card("whales")
    assert "of 12" in card("junk") and "Date to be announced" in card("junk")
    assert '<span class="badge">Past</span>' in card("past-old") and "Past</span>" not in card("sunset")


def test_pages_of_25(admin_client, raw_table):
    for n in range(30):
        raw_table.put(event_item(f"ev-{n:02d}", days=1 + n))
    first = admin_client.get("/")
    assert listed(first) == [f"ev-{n:02d}" for n in range(25)]
    assert "Showing 1–25 of 30 upcoming events" in first.content.decode()
    assert 'href="?page=2" rel="next"' in first.content.decode()
    second = admin_client.get("/?page=2")
    assert listed(second) == [f"ev-{n:02d}" for n in range(25, 30)] and "Page 2 of 2" in second.content.decode()
    assert listed(admin_client.get("/?page=99")) == listed(second)  # past the end: the last page
    assert listed(admin_client.get("/?page=x")) == listed(first)


def test_only_admins_see_new_event(admin_client, staff_client, seeded):
    assert ">New event</a>" in admin_client.get("/").content.decode()
    staff_html = staff_client.get("/").content.decode()
    assert "New event" not in staff_html and "Log Payment" not in staff_html and "Charter sunset" in staff_html


@pytest.fixture
def scan_counts(tables):
    """Items DynamoDB read (ScannedCount) and sent back (Count) for the events table's Scans."""
    client = raw_client()
    counts = Counter()

    def keep_params(params, context, **kwargs):
        context["events_table"] = params.get("TableName") == tables.EVENTS_TABLE

    def count_events(http_response, parsed, model, context, **kwargs):
        if context.get("events_table"):
            counts["scanned"] += parsed.get("ScannedCount", 0)
            counts["returned"] += parsed.get("Count", 0)

    client.meta.events.register("provide-client-params.dynamodb.Scan", keep_params, unique_id="scan-table")
    client.meta.events.register("after-call.dynamodb.Scan", count_events, unique_id="scan-counts")
    yield counts
    client.meta.events.unregister("provide-client-params.dynamodb.Scan", unique_id="scan-table")
    client.meta.events.unregister("after-call.dynamodb.Scan", unique_id="scan-counts")


def test_past_events_never_cross_the_wire_for_the_upcoming_view(admin_client, raw_table, scan_counts):
    for n in range(60):
        raw_table.put(event_item(f"old-{n:02d}", days=-3 - n, roster=[patron("p1", "Ada")]))
    for n in range(3):
        raw_table.put(event_item(f"soon-{n}", days=3 + n))
    scan_counts.clear()
    assert listed(admin_client.get("/")) == ["soon-0", "soon-1", "soon-2"]
    assert scan_counts == {"scanned": 63, "returned": 3}  # read by DynamoDB, but filtered there
    scan_counts.clear()
    assert len(listed(admin_client.get("/?show=past"))) == 25
    assert scan_counts == {"scanned": 63, "returned": 60}
    scan_counts.clear()
    assert listed(admin_client.get("/?show=owing")) == [f"old-{n:02d}" for n in range(25)]
    assert scan_counts == {"scanned": 63, "returned": 60}  # only priced events with a roster can owe


def test_the_server_filter_keeps_every_start_that_may_be_upcoming(admin_client, raw_table):
    """Starts in far-off offsets, one minute either side of now: the text filter's margin lets
    them all through, and the exact comparison puts each on the right side."""
    from datetime import UTC, datetime, timedelta, timezone

    now = datetime.now(UTC)
    for name, offset in [("kiribati", 14), ("baker", -12), ("utc", 0)]:
        zone = timezone(timedelta(hours=offset))
        for side, delta in [("soon", timedelta(minutes=10)), ("gone", -timedelta(minutes=10))]:
            start = (now + delta).astimezone(zone).replace(microsecond=0).isoformat()
            raw_table.put(event_item(f"{name}-{side}", starts_at={"S": start}))
    upcoming = listed(admin_client.get("/"))
    past = listed(admin_client.get("/?show=past"))
    assert sorted(upcoming) == ["baker-soon", "kiribati-soon", "utc-soon"]
    assert sorted(past) == ["baker-gone", "kiribati-gone", "utc-gone"]


def test_the_demo_data_shows_every_state_of_a_card(admin_client, tables):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent: nothing doubles
    html = admin_client.get("/?show=all").content.decode()
    assert len(re.findall(r"<article class=", html)) == 10
    assert "Overpaid $15.00" in html and "Free trip" in html and "No price set" in html
    assert 'class="settled">$0.00<' in html and 'class="owing">$180.00<' in html  # paid up; Sunset Cruise owes
    assert listed(admin_client.get("/?show=past")) == ["demo-fishing-charter", "demo-past-paid"]
    owing = ["demo-dock-day", "demo-sunset-cruise", "demo-whale-watch", "demo-fishing-charter"]
    assert listed(admin_client.get("/?show=owing")) == owing


def test_cards_count_bookings_not_cancelled_against_the_capacity(admin_client, raw_table):
    roster = [patron("p1", "Ada"), patron("p2", "Grace"), patron("p3", "Alan", cancelled_at="2026-11-02T00:00Z")]
    raw_table.put(event_item("ev-1", roster=roster, capacity={"N": "8"}))
    html = admin_client.get("/").content.decode()
    assert '<dt>Booked</dt><dd data-field="roster-count">2<span class="muted"> of 8</span>' in html
    assert 'data-field="expected">$90.00<' in html  # the cancelled booking is not expected to pay


def test_an_event_deleted_between_the_list_and_its_card_drops_out(admin_client, seeded, tables):
    client = raw_client()

    def delete_sunset(params, **kwargs):
        client.meta.events.unregister("provide-client-params.dynamodb.BatchGetItem", unique_id="delete")
        client.delete_item(TableName=tables.EVENTS_TABLE, Key={"event_id": {"S": "sunset"}})

    client.meta.events.register("provide-client-params.dynamodb.BatchGetItem", delete_sunset, unique_id="delete")
    ids = listed(admin_client.get("/"))
    assert "sunset" not in ids and ids[:2] == ["overpaid", "free"]
