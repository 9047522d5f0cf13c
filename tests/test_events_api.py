"""Creating and editing events through the JSON API, against dynalite: POST /api/events, PATCH /api/events/<id>.

Every write is checked on the raw item (botocore, not our models): what changed, what did not,
and that attributes other software keeps on the item survive.
"""

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from scc.dynamodb import raw_client
from tests.conftest import post_json, token_for
from tests.factories import event_item, patron, payment_record

GENERATED_ID = re.compile(r"\d{4}-\d\d-\d\d-[a-z0-9-]+-[a-z2-9]{4}")
SUNSET = {
    "title": "Sunset Sail",
    "starts_at": "2026-12-05T17:30",
    "location": "Pier 66, Seattle",
    "price": "45",
    "capacity": 20,
}


def every_item(tables):
    client = raw_client()
    return client.scan(TableName=tables.EVENTS_TABLE, ConsistentRead=True)["Items"]


def patch_json(client, url, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.patch(url, data, content_type="application/json")


def create(api, **fields):
    response = post_json(api, "/api/events", {**SUNSET, **fields})
    assert response.status_code == 201, response.content
    return response.json()["event"]


# Creating --------------------------------------------------------------------------------------


def test_create_stores_the_fields_version_1_and_an_audit_entry_in_one_new_item(api, raw_table, tables):
    event = create(api)
    assert GENERATED_ID.fullmatch(event["event_id"]) and event["event_id"].startswith("2026-12-05-sunset-sail-")
    assert event["starts_at"] == "2026-12-05T17:30:00-08:00"  # local time, stored with its offset
    assert (event["price"], event["capacity"], event["version"], event["waiver_text"]) == ("45.00", 20, 1, None)
    assert event["roster"] == [] and event["payments"] == []
    assert event["totals"] == {"paid": "0.00", "expected": "0.00", "outstanding": "0.00"}

    item = raw_table.get(event["event_id"])
    (entry,) = item.pop("audit")["L"]
    assert item == {
        "event_id": {"S": event["event_id"]},
        "title": {"S": "Sunset Sail"},
        "starts_at": {"S": "2026-12-05T17:30:00-08:00"},
        "location": {"S": "Pier 66, Seattle"},
        "price": {"N": "45"},  # DynamoDB keeps numbers without trailing zeros
        "capacity": {"N": "20"},
        "version": {"N": "1"},
    }
    assert entry["M"]["action"] == {"S": "event.created"} and entry["M"]["operator"] == {"S": "alice"}
    assert entry["M"]["detail"]["S"] == (
        "Created with title “Sunset Sail”, starts at 2026-12-05T17:30:00-08:00, location “Pier 66, Seattle”, "
        "price $45.00, capacity 20, the standard waiver."
    )


def test_create_with_only_title_and_start(api, raw_table):
    event = create(api, location=None, price=None, capacity=None)
    assert (event["location"], event["price"], event["capacity"]) == (None, None, None)
    assert event["totals"]["expected"] is None
    assert set(raw_table.get(event["event_id"])) == {"event_id", "title", "starts_at", "version", "audit"}


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2027-07-04T21:00", "2027-07-04T21:00:00-07:00"),  # summer: daylight time
        ("2027-07-04 21:00:30", "2027-07-04T21:00:30-07:00"),
        ("2027-07-05T04:00:00Z", "2027-07-04T21:00:00-07:00"),  # an instant, shown in the site's zone
        ("2027-07-05T13:00:00+09:00", "2027-07-04T21:00:00-07:00"),
        ("2026-11-01T01:30", "2026-11-01T01:30:00-07:00"),  # the hour that repeats: the first one
    ],
)
def test_starts_may_be_local_or_carry_an_offset(api, sent, stored):
    assert create(api, starts_at=sent)["starts_at"] == stored


def test_the_generated_id_is_ascii_readable_and_never_a_dot_segment(api):
    ids = [
        create(api, title="Café del Mar: Sunset & Tapas!")["event_id"],
        create(api, title="⛵ 日本")["event_id"],
        create(api, title="..")["event_id"],
        create(api, title="A very long title for a charter that goes on and on around the whole sound")["event_id"],
    ]
    assert ids[0].startswith("2026-12-05-cafe-del-mar-sunset-tapas-")
    assert ids[1].startswith("2026-12-05-event-") and ids[2].startswith("2026-12-05-event-")
    assert len(ids[3]) <= len("2026-12-05-") + 40 + 5 and not ids[3].split("-")[-2].endswith("-")
    for event_id in ids:
        assert GENERATED_ID.fullmatch(event_id) and event_id.isascii()
        assert "." not in event_id and "/" not in event_id


def test_create_with_a_chosen_id_and_never_over_an_existing_item(api, raw_table):
    assert create(api, event_id="spring-regatta")["event_id"] == "spring-regatta"
    before = raw_table.get("spring-regatta")
    again = post_json(api, "/api/events", {**SUNSET, "event_id": "spring-regatta", "title": "Other"})
    assert again.status_code == 409
    assert again.json()["fields"] == {"event_id": ["Already taken."]}
    assert raw_table.get("spring-regatta") == before

    # An item other software wrote, without any of our fields, is not ours to overwrite either.
    raw_table.put({"event_id": {"S": "theirs"}, "captain": {"S": "Capt. Alvarez"}})
    assert post_json(api, "/api/events", {**SUNSET, "event_id": "theirs"}).status_code == 409
    assert raw_table.get("theirs") == {"event_id": {"S": "theirs"}, "captain": {"S": "Capt. Alvarez"}}


BAD_CREATES = [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "Bell\x07"}, "title"),
    ({"title": 5}, "title"),
    ({"title": None}, "title"),
    ({"location": "x" * 201}, "location"),
    ({"location": ["Pier 66"]}, "location"),
    ({"waiver_text": "x" * 20_001}, "waiver_text"),
    ({"waiver_text": "ok\x00"}, "waiver_text"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 501}, "capacity"),
    ({"capacity": 5.5}, "capacity"),
    ({"capacity": True}, "capacity"),
    ({"capacity": "twenty"}, "capacity"),
    ({"price": "-1"}, "price"),
    ({"price": -1}, "price"),
    ({"price": "1.001"}, "price"),
    ({"price": "100000.01"}, "price"),
    ({"price": "NaN"}, "price"),
    ({"price": False}, "price"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"starts_at": "2026-12-05"}, "starts_at"),  # a date needs its time
    ({"starts_at": "2026-02-30T10:00"}, "starts_at"),
    ({"starts_at": "1999-12-31T10:00"}, "starts_at"),
    ({"starts_at": "2027-03-14T02:30"}, "starts_at"),  # clocks skip 02:00-03:00 that night
    ({"starts_at": "２０２６-12-05T10:00"}, "starts_at"),  # full-width digits
    ({"starts_at": None}, "starts_at"),
    ({"event_id": ""}, "event_id"),
    ({"event_id": " "}, "event_id"),
    ({"event_id": ".."}, "event_id"),
    ({"event_id": "a/b"}, "event_id"),
    ({"event_id": "-x"}, "event_id"),
    ({"event_id": "x" * 101}, "event_id"),
    ({"event_id": 7}, "event_id"),
    ({"roster": []}, "roster"),
    ({"version": 3}, "version"),
    # In JSON, none is null and a number is a number (found by schemathesis: "" was taken as no price).
    ({"price": ""}, "price"),
    ({"capacity": ""}, "capacity"),
    ({"capacity": "12"}, "capacity"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CREATES)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api, tables, change, field):
    response = post_json(api, "/api/events", {**SUNSET, **change})
    assert response.status_code == 400, (change, response.content)
    body = response.json()
    assert body["ok"] is False and body["error"] and field in body["fields"], body
    assert every_item(tables) == []


def test_the_limits_themselves_are_accepted(api):
    event = create(api, title="x" * 200, location="y" * 200, waiver_text="z" * 20_000, capacity=500, price="0")
    assert (len(event["title"]), len(event["location"]), len(event["waiver_text"])) == (200, 200, 20_000)
    assert (event["capacity"], event["price"]) == (500, "0.00")
    assert create(api, capacity=1, price=100000)["price"] == "100000.00"


def test_a_missing_body_or_fields_is_a_400(api, tables):
    for body in [b"", b"[]", b"{", {}, {"title": "No start"}, {"starts_at": "2026-12-05T10:00"}]:
        assert post_json(api, "/api/events", body).status_code == 400
    assert every_item(tables) == []


def test_concurrent_creates_of_one_id_land_once(api, tables, admin_user):
    results = []
    # Signed in one after another: more than 5 sign-ins of one name at the same instant are refused
    # until the first finish (the lockout reserves each attempt before its password is checked).
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}") for _ in range(8)]

    def attempt(n):
        response = post_json(clients[n], "/api/events", {**SUNSET, "title": f"Try {n}", "event_id": "contested"})
        results.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201] + [409] * 7
    (item,) = every_item(tables)
    assert len(item["audit"]["L"]) == 1 and item["version"] == {"N": "1"}


# The event JSON ------------------------------------------------------------------------------


def test_event_json_carries_version_capacity_waiver_text_and_an_absolute_waiver_url(api, settings):
    settings.PUBLIC_URL = "https://dispatch.example.com"
    event = create(api, waiver_text="Life jackets on deck.", event_id="regatta")
    # The Host the app sees behind CloudFront is the Function URL's: never used for the link.
    got = api.get("/api/events/regatta", HTTP_HOST="abc123.lambda-url.us-east-1.on.aws").json()["event"]
    for answer in (event, got):
        assert answer["waiver_url"] == "https://dispatch.example.com/g/regatta/waiver"
        assert (answer["version"], answer["capacity"], answer["waiver_text"]) == (1, 20, "Life jackets on deck.")


def test_without_a_public_url_there_is_no_waiver_url(api, settings):
    settings.PUBLIC_URL = ""
    assert create(api)["waiver_url"] is None


def test_an_item_other_software_wrote_reads_as_version_0(api, raw_table):
    raw_table.put(event_item("old"))
    event = api.get("/api/events/old").json()["event"]
    assert (event["version"], event["capacity"], event["waiver_text"]) == (0, None, None)


# Editing -------------------------------------------------------------------------------------


@pytest.fixture
def shared_event(raw_table):
    """An event as the shared table holds it: other software's attributes, a roster, payments, history."""
    raw_table.put(
        event_item(
            "ev-1",
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[payment_record("11111111-1111-1111-1111-111111111111", "p1", "45")],
            payment_ids={"SS": ["11111111-1111-1111-1111-111111111111"]},
            roster_emails={"SS": ["ada@example.com"]},
            audit={"L": [{"M": {"at": {"S": "2026-11-01T17:00:00.000+00:00"}, "operator": {"S": "bob"}}}]},
            capacity={"N": "20"},
            version={"N": "3"},
            captain={"S": "Capt. R. Alvarez"},
            other_software={"M": {"keep": {"L": [{"N": "1"}, {"S": "me"}]}}},
        )
    )
    return raw_table.get("ev-1")


def test_an_edit_changes_only_what_it_names_bumps_the_version_and_says_what_changed(api, raw_table, shared_event):
    response = patch_json(api, "/api/events/ev-1", {"version": 3, "price": "50", "capacity": 12, "title": "Charter"})
    assert response.status_code == 200, response.content
    event = response.json()["event"]
    assert (event["version"], event["price"], event["capacity"], event["title"]) == (4, "50.00", 12, "Charter")
    assert event["totals"] == {"paid": "45.00", "expected": "100.00", "outstanding": "55.00"}

    after = raw_table.get("ev-1")
    entry = after["audit"]["L"][-1]["M"]
    assert entry["action"] == {"S": "event.updated"} and entry["operator"] == {"S": "alice"}
    assert entry["detail"]["S"] == "Title: “Charter ev-1” → “Charter”; Price: $45.00 → $50.00; Capacity: 20 → 12."
    assert after["audit"]["L"][:-1] == shared_event["audit"]["L"]
    changed = {"title", "price", "capacity", "version", "audit"}
    assert {k: v for k, v in after.items() if k not in changed} == {
        k: v for k, v in shared_event.items() if k not in changed
    }
    assert (after["title"], after["price"], after["capacity"], after["version"]) == (
        {"S": "Charter"},
        {"N": "50"},
        {"N": "12"},
        {"N": "4"},
    )


def test_null_removes_an_optional_field_and_the_history_says_so(api, raw_table, shared_event):
    body = {"version": 3, "location": None, "price": None, "capacity": None, "waiver_text": "Hold on."}
    event = patch_json(api, "/api/events/ev-1", body).json()["event"]
    assert (event["location"], event["price"], event["capacity"]) == (None, None, None)
    after = raw_table.get("ev-1")
    assert not {"location", "price", "capacity"} & set(after) and after["waiver_text"] == {"S": "Hold on."}
    assert after["audit"]["L"][-1]["M"]["detail"]["S"] == (
        "Location: “Pier 66” → none; Price: $45.00 → no set price; Capacity: 20 → no limit; "
        "Waiver text: the standard waiver → a custom waiver (8 characters)."
    )


def test_a_stale_version_is_a_409_with_the_current_event_and_writes_nothing(api, raw_table, shared_event):
    response = patch_json(api, "/api/events/ev-1", {"version": 2, "price": "99"})
    assert response.status_code == 409
    body = response.json()
    assert body["ok"] is False and "Someone else saved changes" in body["error"]
    assert body["event"]["version"] == 3 and body["event"]["price"] == "45.00"
    assert raw_table.get("ev-1") == shared_event


def test_an_item_without_version_is_edited_from_version_0(api, raw_table):
    raw_table.put(event_item("old", captain={"S": "kept"}))
    assert patch_json(api, "/api/events/old", {"version": 1, "title": "x"}).status_code == 409
    response = patch_json(api, "/api/events/old", {"version": 0, "title": "Renamed"})
    assert response.status_code == 200 and response.json()["event"]["version"] == 1
    assert raw_table.get("old")["captain"] == {"S": "kept"}


def test_the_same_moment_in_another_offset_is_no_change(api, raw_table):
    raw_table.put(event_item("ev-2", starts_at={"S": "2026-12-05T17:30:00Z"}))
    before = raw_table.get("ev-2")
    response = patch_json(api, "/api/events/ev-2", {"version": 0, "starts_at": "2026-12-05T09:30"})
    assert response.status_code == 200 and response.json()["event"]["version"] == 0
    assert raw_table.get("ev-2") == before  # nothing changed, nothing written, no history entry


def test_capacity_cannot_go_below_the_active_bookings(api, raw_table):
    raw_table.put(
        event_item(
            "ev-3",
            roster=[patron("p1", "Ada"), patron("p2", "Grace"), patron("p3", "Alan", cancelled_at="2026-11-02T00:00Z")],
        )
    )
    before = raw_table.get("ev-3")
    response = patch_json(api, "/api/events/ev-3", {"version": 0, "capacity": 1})
    assert response.status_code == 400
    assert "2 active bookings" in response.json()["error"] and "capacity" in response.json()["fields"]
    assert raw_table.get("ev-3") == before
    # A cancelled booking does not count.
    assert patch_json(api, "/api/events/ev-3", {"version": 0, "capacity": 2}).status_code == 200


def test_a_booking_landing_between_the_check_and_the_write_is_not_squeezed_out(api, raw_table, tables):
    """The capacity write carries the roster size it checked: a sign-up arriving in between (added here
    from the wire hook, just before the UpdateItem goes out) fails the condition; the re-check refuses."""
    raw_table.put(event_item("ev-4", roster=[patron("p1", "Ada")]))
    client = raw_client()
    injected = []

    def sign_up_first(params, **kwargs):
        if params.get("TableName") == tables.EVENTS_TABLE and not injected:
            injected.append(True)
            client.update_item(
                TableName=tables.EVENTS_TABLE,
                Key={"event_id": {"S": "ev-4"}},
                UpdateExpression="SET roster = list_append(roster, :p)",
                ExpressionAttributeValues={":p": {"L": [patron("p2", "Walk-up")]}},
            )

    client.meta.events.register("provide-client-params.dynamodb.UpdateItem", sign_up_first, unique_id="race")
    try:
        response = patch_json(api, "/api/events/ev-4", {"version": 0, "capacity": 1})
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.UpdateItem", unique_id="race")
    assert injected and response.status_code == 400 and "2 active bookings" in response.json()["error"]
    assert "capacity" not in raw_table.get("ev-4") and len(raw_table.get("ev-4")["roster"]["L"]) == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"price": "50"}, 400),  # no version
        ({"version": 3}, 400),  # nothing to change
        ({"version": -1, "price": "50"}, 400),
        ({"version": "three", "price": "50"}, 400),
        ({"version": 3, "title": None}, 400),
        ({"version": 3, "starts_at": None}, 400),
        ({"version": 3, "roster": []}, 400),
        ({"version": 3, "event_id": "other"}, 400),
        ({"version": 3, "payments": []}, 400),
        ({"version": 3, "capacity": 501}, 400),
        ({"version": 3, "price": "-5"}, 400),
        ({"version": "3", "price": "50"}, 400),
        ({"version": 3, "price": ""}, 400),
    ],
)
def test_bad_edits_are_refused_and_write_nothing(api, raw_table, shared_event, body, status):
    response = patch_json(api, "/api/events/ev-1", body)
    assert response.status_code == status, response.content
    assert response.json()["ok"] is False
    assert raw_table.get("ev-1") == shared_event


def test_editing_an_unknown_event_is_a_404(api, tables):
    assert patch_json(api, "/api/events/nope", {"version": 0, "title": "x"}).status_code == 404
    assert patch_json(api, "/api/events/" + "x" * 1100, {"version": 0, "title": "x"}).status_code == 404
    assert every_item(tables) == []


def test_a_session_patch_needs_the_csrf_token(admin_user, shared_event, raw_table):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["scc_csrftoken"].value
    client.post("/login/", {"username": admin_user, "password": "correct horse battery", "csrfmiddlewaretoken": token})
    body = json.dumps({"version": 3, "price": "50"})
    refused = client.patch("/api/events/ev-1", body, content_type="application/json")
    assert refused.status_code == 403 and raw_table.get("ev-1") == shared_event
    token = client.cookies["scc_csrftoken"].value
    accepted = client.patch("/api/events/ev-1", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200


def test_an_edit_that_would_pass_the_item_limit_is_a_507_and_harms_nothing(api, raw_table):
    raw_table.put(event_item("big", padding={"S": "x" * 390_000}))
    before = raw_table.get("big")
    response = patch_json(api, "/api/events/big", {"version": 0, "waiver_text": "w" * 20_000})
    assert response.status_code == 507 and "400 KB" in response.json()["error"]
    assert raw_table.get("big") == before


def test_parallel_edits_of_one_version_exactly_one_wins(admin_user, raw_table, shared_event):
    results = {}
    start = threading.Barrier(8)

    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}") for _ in range(8)]  # signed in first

    def edit(n):
        client = clients[n]
        start.wait()
        response = patch_json(client, "/api/events/ev-1", {"version": 3, "title": f"Title {n}", "price": str(50 + n)})
        results[n] = (response.status_code, response.json())

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, (status, _) in results.items() if status == 200]
    assert len(winners) == 1, results
    assert sorted(status for status, _ in results.values()) == [200] + [409] * 7
    after = raw_table.get("ev-1")
    assert after["version"] == {"N": "4"} and after["title"] == {"S": f"Title {winners[0]}"}
    assert len(after["audit"]["L"]) == len(shared_event["audit"]["L"]) + 1
    for status, body in results.values():
        if status == 409:  # each loser is told the current values
            assert body["event"]["version"] in (3, 4)
    assert after["captain"] == shared_event["captain"] and after["payments"] == shared_event["payments"]


def test_starts_are_stored_with_the_offset_of_their_own_date(api):
    """Edits keep using the site's zone at the new date (winter -08:00, summer -07:00)."""
    event = create(api, event_id="season")
    moved = patch_json(api, "/api/events/season", {"version": 1, "starts_at": "2027-06-01T09:00"}).json()["event"]
    assert moved["starts_at"] == "2027-06-01T09:00:00-07:00" and event["starts_at"].endswith("-08:00")
    then = datetime.fromisoformat(moved["starts_at"]).astimezone(UTC)
    assert then == datetime(2027, 6, 1, 16, tzinfo=UTC) and then - timedelta(hours=16) == datetime(
        2027, 6, 1, tzinfo=UTC
    )
