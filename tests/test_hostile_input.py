"""Hostile input at every JSON endpoint and form: never a 5xx, never a write on a 4xx.

Bodies are raw text so they can carry duplicate keys, huge numbers, lone-surrogate escapes,
deep nesting and invalid UTF-8. One event is seeded once per test function (hypothesis runs
every example inside the same fixtures); each example compares the raw item byte for byte.
"""

import json
import os
import uuid
from urllib.parse import quote, urlparse

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, signed_in_client, token_for
from tests.factories import event_item, patron, payment_record

# The short profile runs in `make test`; `make soak` runs the long one (SCC_INPUT_EXAMPLES=500).
INPUT_EXAMPLES = int(os.environ.get("SCC_INPUT_EXAMPLES", "150"))

EXAMPLES = settings(
    max_examples=INPUT_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The back office's endpoints share their validation with the ones above: fewer examples each.
BACK_OFFICE_EXAMPLES = settings(EXAMPLES, max_examples=INPUT_EXAMPLES // 5)

PID_EMAIL = str(uuid.UUID(int=1))  # Ada's payment: she has an email
PID_NO_EMAIL = str(uuid.UUID(int=2))  # Grace's payment: no email on the roster
KNOWN_PIDS = [PID_EMAIL, PID_NO_EMAIL, str(uuid.UUID(int=3))]


class Raw(str):
    """JSON text inserted as is (numbers Python's json module would never write)."""


def dump(value):
    return str(value) if isinstance(value, Raw) else json.dumps(value)


unicode_text = st.text(st.characters(codec="utf-8"), max_size=30)
huge_text = st.tuples(st.sampled_from(["x", "é", "<script>", "\u202e", "😀", "\x00"]), st.integers(0, 20_000)).map(
    lambda t: t[0] * t[1]
)
raw_numbers = st.sampled_from(
    [
        "1e400",
        "-1e400",
        "1E-400",
        "-0",
        "0",
        "4.5e1",
        "45.000",
        "99999999999999999999.99",
        "100000.001",
        "1" + "0" * 5000,
    ]
).map(Raw)
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    unicode_text,
    st.sampled_from(["\ud800", "a\udfffb", "", " ", "null", "true", "[]", "{}"]),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(unicode_text, inner, max_size=3),
    max_leaves=8,
)


def json_bodies(good):
    """Raw JSON request bodies: objects built from the endpoint's fields (each possibly repeated,
    missing or ill-typed) and from other keys, plus non-objects and broken text."""
    keys = st.sampled_from([*good, "extra", "__proto__", ""])
    value_for = {name: st.one_of(strategy, json_value, raw_numbers, huge_text) for name, strategy in good.items()}
    pair = keys.flatmap(lambda k: st.tuples(st.just(k), value_for.get(k, json_value)))
    objects = st.lists(pair, max_size=len(good) + 3).map(
        lambda ps: "{" + ",".join(f"{dump(k)}:{dump(v)}" for k, v in ps) + "}"
    )
    nested = st.integers(1, 20_000).map(lambda n: "[" * n + "]" * n)
    deep_object = st.integers(1, 5_000).map(lambda n: '{"a":' * n + "1" + "}" * n)
    broken = st.one_of(
        st.binary(max_size=60), st.sampled_from([b"", b"{", b'{"a":NaN}', b"\xff\xfe{}", b'{"a":1}{"b":2}'])
    )
    text = st.one_of(objects, objects, objects, json_value.map(json.dumps), nested, deep_object)
    return st.one_of(text.map(lambda s: s.encode("utf-8", "surrogatepass")), broken)


def assert_json_answer(response, body):
    assert response.status_code < 500, (body[:300], response.content[:500])
    data = response.json()
    assert isinstance(data["ok"], bool)
    if response.status_code >= 400:
        assert data["ok"] is False and isinstance(data["error"], str)
    return data


def seed_once(raw_table):
    if raw_table.get("ev-1") is None:
        raw_table.put(
            event_item(
                "ev-1",
                roster=[patron("p1", "Ada", "ada@example.com"), patron("p2", "Grace")],
                payments=[payment_record(PID_EMAIL, "p1"), payment_record(PID_NO_EMAIL, "p2")],
                payment_ids={"SS": [PID_EMAIL, PID_NO_EMAIL]},
                other_software={"M": {"keep": {"S": "me"}}},
            )
        )


def scan_operators(tables, raw_table):
    from scc.dynamodb import raw_client

    client = raw_client()
    items = client.scan(TableName=tables.OPERATORS_TABLE, ConsistentRead=True)["Items"]
    return sorted(items, key=lambda item: item["username"]["S"])


def post_api(admin_user, raw_table, path, body):
    seed_once(raw_table)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")
    before = raw_table.get("ev-1")
    response = client.post(path, body, content_type="application/json")
    data = assert_json_answer(response, body)
    if response.status_code >= 400:
        assert raw_table.get("ev-1") == before, (body[:300], data)
    return response


event_ids = st.sampled_from(["ev-1", "ev-1", "nope", "x" * 1025, "é" * 600])
amounts = st.sampled_from(["45.00", "0.01", "100000.00", "12.5", "1", "0", "-5", " 45 ", "45.001", "١٢"])


@EXAMPLES
@given(
    body=json_bodies(
        {
            "event_id": event_ids,
            "patron_id": st.sampled_from(["p1", "p2", "ghost"]),
            "amount": amounts,
            "notes": unicode_text,
            "payment_id": st.one_of(st.sampled_from(KNOWN_PIDS), st.uuids().map(str)),
        }
    )
)
def test_payment_log(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/payment-log", body)


@EXAMPLES
@given(
    body=json_bodies(
        {"event_id": event_ids, "payment_id": st.sampled_from([*KNOWN_PIDS, "legacy", ""]), "resend": st.booleans()}
    )
)
def test_payment_notify(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/payment-notify", body)


@EXAMPLES
@given(
    body=json_bodies(
        {
            "event_id": event_ids,
            "payment_id": st.sampled_from(KNOWN_PIDS),
            "reason": st.one_of(unicode_text, st.just("charged twice")),
        }
    )
)
def test_payment_void(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/payment-void", body)


@BACK_OFFICE_EXAMPLES
@given(
    body=json_bodies(
        {
            "event_id": event_ids,
            "payment_id": st.sampled_from([*KNOWN_PIDS, "legacy", ""]),
            "amount": amounts,
            "reason": st.one_of(unicode_text, st.just("left early")),
            "refund_id": st.one_of(st.sampled_from(KNOWN_PIDS), st.uuids().map(str), st.just("")),
        }
    )
)
def test_payment_refund(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/payment-refund", body)


patron_ids = st.sampled_from(["p1", "p2", "ghost", ""])
emails = st.sampled_from(["new@example.com", "ADA@example.com", "not-an-email", "", "a@b.c"])
phones = st.sampled_from(["+1 206 555 0100", "12", "", "(206) 555-0100"])


@BACK_OFFICE_EXAMPLES
@given(body=json_bodies({"event_id": event_ids, "name": unicode_text, "email": emails, "phone": phones}))
def test_roster_add(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/roster-add", body)


@BACK_OFFICE_EXAMPLES
@given(
    body=json_bodies(
        {"event_id": event_ids, "patron_id": patron_ids, "name": unicode_text, "email": emails, "phone": phones}
    )
)
def test_roster_update(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/roster-update", body)


@BACK_OFFICE_EXAMPLES
@given(body=json_bodies({"event_id": event_ids, "patron_id": patron_ids, "reason": unicode_text}))
def test_roster_cancel(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/roster-cancel", body)


@BACK_OFFICE_EXAMPLES
@given(body=json_bodies({"event_id": event_ids, "patron_id": patron_ids, "checked_in": st.booleans()}))
def test_roster_checkin(admin_user, raw_table, body):
    post_api(admin_user, raw_table, "/api/roster-checkin", body)


def assert_operators_untouched_but_counters(before, after, status):
    """A refused sign-in leaves the operators table as it was (failures are counted in the counters
    table); a sign-in changes only the operator's live sessions and last sign-in."""
    if status not in (200, 302):
        assert after == before
        return
    signed_in = ("sessions", "last_login_at")
    strip = lambda items: [{k: v for k, v in i.items() if k not in signed_in} for i in items]  # noqa: E731
    assert strip(after) == strip(before)


@pytest.fixture
def login_setup(admin_user, settings):
    settings.LOGIN_MAX_FAILURES = 10**9  # lockout has its own tests; here every example reaches the checks
    return admin_user


@EXAMPLES
@given(
    body=json_bodies(
        {
            "username": st.sampled_from(["alice", "nobody", "admin", "ALICE"]),
            "password": st.sampled_from([PASSWORD, "wrong", ""]),
        }
    )
)
def test_api_login(login_setup, tables, raw_table, body):
    before = scan_operators(tables, raw_table)
    response = Client().post("/api/login", body, content_type="application/json")
    assert_json_answer(response, body)
    assert response.status_code in (200, 400, 401, 413), response.content
    assert_operators_untouched_but_counters(before, scan_operators(tables, raw_table), response.status_code)


form_text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    huge_text,
    st.sampled_from(["<script>window.__xss=1</script>", "' OR 1=1 --", "\x00", "a\r\nb", " ", "%00"]),
)


def form_bodies(good):
    """Either a multipart form (fields missing, repeated as lists, or hostile) or a raw urlencoded body."""
    value = lambda name: st.one_of(good[name], form_text, st.lists(st.one_of(good[name], form_text), max_size=3))  # noqa: E731
    fields = st.fixed_dictionaries({}, optional={name: value(name) for name in good}).map(lambda d: ("multipart", d))
    raw = st.one_of(
        st.binary(max_size=80),
        st.lists(st.tuples(st.sampled_from([*good, "x"]), form_text), max_size=6).map(
            lambda ps: "&".join(f"{quote(k)}={quote(v, safe='%')}" for k, v in ps).encode()
        ),
        st.sampled_from([b"%ff%fe=%ed%a0%80", b"a=%", b"&&&==", b"full_name=%E2%80%AE"]),
    ).map(lambda b: ("urlencoded", b))
    return st.one_of(fields, fields, raw)


def post_form(client, path, form):
    kind, data = form
    if kind == "multipart":
        return client.post(path, data)
    return client.post(path, data, content_type="application/x-www-form-urlencoded")


@EXAMPLES
@given(
    form=form_bodies(
        {
            "username": st.sampled_from(["alice", "nobody"]),
            "password": st.sampled_from([PASSWORD, "x"]),
            "next": st.sampled_from(
                ["/audit/", "//evil.example", "https://evil.example/", "javascript:alert(1)", "/\\evil"]
            ),
        }
    )
)
def test_login_form(login_setup, tables, raw_table, form):
    before = scan_operators(tables, raw_table)
    response = post_form(Client(), "/login/", form)
    assert response.status_code in (302, 400, 401), (form, response.status_code)
    if response.status_code == 302:
        target = urlparse(response["Location"])
        assert not target.scheme and not target.netloc and response["Location"].startswith("/"), response["Location"]
        assert not response["Location"].startswith(("//", "/\\"))
    assert_operators_untouched_but_counters(before, scan_operators(tables, raw_table), response.status_code)


@pytest.fixture
def waiver_setup(raw_table, settings):
    settings.WAIVER_SIGNINGS_PER_WINDOW = 10**9  # the rate limit has its own tests
    return raw_table


@EXAMPLES
@given(
    event=st.sampled_from(["ev-1", "ev-1", "ev-1", "nope", quote("é" * 600), "%ed%a0%80", quote("<b>")]),
    form=form_bodies(
        {
            "full_name": st.sampled_from(["Ada Lovelace", "Grace"]),
            "email": st.one_of(st.emails(), st.sampled_from(["ada@example.com", "ADA@example.com "])),
            "phone": st.sampled_from(["", "+1 (206) 555-0100", "123"]),
            "agree": st.sampled_from(["on", ""]),
        }
    ),
)
def test_waiver_form(waiver_setup, event, form):
    raw_table = waiver_setup
    seed_once(raw_table)
    before = raw_table.get("ev-1")
    response = post_form(Client(), f"/g/{event}/waiver", form)
    assert response.status_code in (302, 400, 404, 409), (event, form, response.status_code)
    if response.status_code != 302:
        assert raw_table.get("ev-1") == before


# Regressions found by the examples above ---------------------------------------------------


@pytest.mark.parametrize("field", ["event_id", "patron_id", "notes"])
def test_lone_surrogate_escapes_are_400_and_nothing_is_stored(admin_user, raw_table, field):
    # Legal JSON, not UTF-8: stored, it would break every page that shows it (was a 500 or a 201).
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "5", "notes": ""}
    text = json.dumps({**body, field: "a\ud800"})
    response = post_api(admin_user, raw_table, "/api/payment-log", text.encode())
    assert response.status_code == 400


def test_login_next_that_is_not_a_path_goes_home(admin_user):
    # redirect() took "0" for a view name: a 500 after a correct password.
    response = Client().post("/login/", {"username": "alice", "password": PASSWORD, "next": "0"})
    assert response.status_code == 302 and response["Location"] == "/"


# Creating and editing events (the back office) ------------------------------------------------

EVENT_EXAMPLES = settings(EXAMPLES, max_examples=INPUT_EXAMPLES * 3 // 10)
event_fields = {
    "title": st.sampled_from(["Sunset Sail", "", " ", "x" * 201, "⛵ ..", "a\nb"]),
    "starts_at": st.sampled_from(
        [
            "2026-12-05T09:30",
            "2027-03-14T02:30",
            "2026-12-05",
            "nope",
            "2026-12-05T09:30:00+14:00",
            "9999-12-31T23:59",
            "0001-01-01T00:00Z",
        ]
    ),
    "location": st.one_of(unicode_text, st.none()),
    "price": st.one_of(amounts, st.none()),
    "capacity": st.sampled_from([1, 12, 500, 0, 501, "12", None]),
    "waiver_text": st.one_of(unicode_text, st.none()),
}


def event_bodies(fields):
    """json_bodies, and as often objects with each field present or not, mostly from its own strategy
    (so that near-valid bodies, which reach the deeper rules, are common)."""
    objects = st.fixed_dictionaries(
        {}, optional={name: st.one_of(strategy, strategy, json_value) for name, strategy in fields.items()}
    ).map(lambda d: json.dumps(d).encode("utf-8", "surrogatepass"))
    return st.one_of(json_bodies(fields), objects)


def count_events(tables):
    from scc.dynamodb import raw_client

    return raw_client().scan(TableName=tables.EVENTS_TABLE, Select="COUNT", ConsistentRead=True)["Count"]


@EVENT_EXAMPLES
@given(body=event_bodies({**event_fields, "event_id": st.sampled_from(["ev-1", "new-one", "", "..", "a/b", None])}))
def test_create_event(admin_user, raw_table, tables, body):
    seed_once(raw_table)
    before, count = raw_table.get("ev-1"), count_events(tables)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")
    response = client.post("/api/events", body, content_type="application/json")
    assert_json_answer(response, body)
    assert response.status_code in (201, 400, 409, 413), response.content
    assert raw_table.get("ev-1") == before
    assert count_events(tables) == count + (response.status_code == 201)


@EVENT_EXAMPLES
@given(body=event_bodies({**event_fields, "version": st.sampled_from([0, 1, 2, -1, "0", True, None])}))
def test_edit_event(admin_user, raw_table, tables, body):
    seed_once(raw_table)
    before = raw_table.get("ev-1")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")
    response = client.patch("/api/events/ev-1", body, content_type="application/json")
    assert_json_answer(response, body)
    assert response.status_code in (200, 400, 409, 413), response.content
    after = raw_table.get("ev-1")
    if response.status_code != 200:
        assert after == before, (body[:300], response.content)
    assert after["other_software"] == before["other_software"] and after["payments"] == before["payments"]
    assert count_events(tables) == 1


@EVENT_EXAMPLES
@given(
    form=form_bodies(
        {name: strategy.map(lambda v: "" if v is None else str(v)) for name, strategy in event_fields.items()}
    )
)
def test_new_event_form(admin_user, raw_table, tables, form):
    seed_once(raw_table)
    count = count_events(tables)
    if not hasattr(raw_table, "admin_pages"):  # one sign-in per test, not per example
        raw_table.admin_pages = signed_in_client(admin_user)
    response = post_form(raw_table.admin_pages, "/events/new/", form)
    assert response.status_code in (302, 400), (form, response.status_code)
    assert count_events(tables) == count + (response.status_code == 302)
