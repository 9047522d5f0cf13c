import json
import threading
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from accounts import services
from accounts.models import COMMAND_LINE
from events.models import Event
from tests.conftest import PASSWORD, events_table_calls, post_json, signed_in_client, token_for
from tests.factories import event_item, legacy_payment, patron

URL = "/api/payment-log"


@pytest.fixture
def event(raw_table):
    raw_table.put(
        event_item(
            "ev-1",
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[legacy_payment("20")],
            captain={"S": "Capt. Alvarez"},
            vessel={"M": {"name": {"S": "Osprey"}, "berth": {"N": "7"}}},
        )
    )
    return "ev-1"


def post(client, body):
    return post_json(client, URL, body)


def body(**overrides):
    data = {"event_id": "ev-1", "patron_id": "p1", "amount": "45.00", "notes": "card at dock"}
    data.update(overrides)
    return data


def test_logs_a_payment_with_record_ids_and_audit_in_one_item(api, event, raw_table):
    pid = str(uuid.uuid4())
    response = post(api, body(payment_id=pid))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["ok"] is True
    assert data["payment"]["payment_id"] == pid
    assert data["payment"]["amount"] == "45.00"
    assert data["payment"]["operator"] == "alice"
    assert data["payment"]["kind"] == "payment" and data["payment"]["email_sent"] is False
    assert data["totals"] == {"paid": "65.00", "expected": "90.00", "outstanding": "25.00"}
    item = raw_table.get("ev-1")
    assert item["payment_ids"] == {"SS": [pid]}
    assert item["payments"]["L"][0] == legacy_payment("20")  # legacy record untouched
    new = item["payments"]["L"][1]["M"]
    assert new["amount"] == {"N": "45"} and new["patron_id"] == {"S": "p1"}
    audit = item["audit"]["L"][0]["M"]
    assert audit["action"] == {"S": "payment.logged"} and audit["operator"] == {"S": "alice"}
    assert audit["payment_id"] == {"S": pid} and audit["amount"] == {"N": "45"}
    assert item["captain"] == {"S": "Capt. Alvarez"}
    assert item["vessel"] == {"M": {"name": {"S": "Osprey"}, "berth": {"N": "7"}}}


def test_amount_as_json_number_is_exact(api, event):
    response = post(api, '{"event_id": "ev-1", "patron_id": "p1", "amount": 0.1}')
    assert response.status_code == 201
    for _ in range(2):
        post(api, '{"event_id": "ev-1", "patron_id": "p1", "amount": 0.1}')
    assert Event.get("ev-1").payments[-1].amount == Decimal("0.10")
    totals = Client(HTTP_AUTHORIZATION=api.defaults["HTTP_AUTHORIZATION"]).get("/api/events/ev-1").json()
    assert totals["event"]["totals"]["paid"] == "20.30"


def test_server_makes_a_payment_id_when_absent(api, event):
    response = post(api, body())
    assert response.status_code == 201
    assert uuid.UUID(response.json()["payment"]["payment_id"])


def test_same_payment_id_same_body_is_200_and_writes_nothing(api, event, raw_table):
    pid = str(uuid.uuid4())
    first = post(api, body(payment_id=pid))
    before = raw_table.get("ev-1")
    again = post(api, body(payment_id=pid, amount=45))
    assert again.status_code == 200
    assert again.json()["payment"] == first.json()["payment"]
    assert raw_table.get("ev-1") == before


def test_same_payment_id_other_body_is_409_and_writes_nothing(api, event, raw_table):
    pid = str(uuid.uuid4())
    post(api, body(payment_id=pid))
    before = raw_table.get("ev-1")
    response = post(api, body(payment_id=pid, amount="46.00"))
    assert response.status_code == 409
    assert response.json()["ok"] is False and "payment_id" in response.json()["error"]
    assert raw_table.get("ev-1") == before


def test_unknown_event_is_404(api, event):
    response = post(api, body(event_id="nope"))
    assert response.status_code == 404 and response.json()["ok"] is False


BAD_BODIES = [
    ("amount", {"amount": "0"}),
    ("amount", {"amount": "-5"}),
    ("amount", {"amount": "12.345"}),
    ("amount", {"amount": "100000.01"}),
    ("amount", {"amount": "NaN"}),
    ("amount", {"amount": "Infinity"}),
    ("amount", {"amount": "1e400"}),
    ("amount", {"amount": [1]}),
    ("amount", {"amount": None}),
    ("amount", {"amount": True}),
    ("amount", {"amount": {"v": 1}}),
    ("amount", {"amount": "1_000"}),
    ("amount", {"amount": ""}),
    ("notes", {"notes": "x" * 1001}),
    ("notes", {"notes": ["a"]}),
    ("patron_id", {"patron_id": "not-on-roster"}),
    ("patron_id", {"patron_id": 7}),
    ("patron_id", {"patron_id": None}),
    ("event_id", {"event_id": ["ev-1"]}),
    ("payment_id", {"payment_id": "not-a-uuid"}),
    ("payment_id", {"payment_id": 12}),
]


@pytest.mark.parametrize(("field", "overrides"), BAD_BODIES)
def test_bad_fields_are_400_with_fields_and_write_nothing(api, event, raw_table, field, overrides):
    before = raw_table.get("ev-1")
    response = post(api, body(**overrides))
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["ok"] is False and data["error"]
    assert field in data["fields"]
    assert raw_table.get("ev-1") == before


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'{"event_id": "ev-1", "patron_id": "p1", "amount": NaN}',
        b'{"event_id": "ev-1", "patron_id": "p1", "amount": Infinity}',
        b'{"event_id": "ev-1", "patron_id": "p1", "amount": 1e400}',
        b"\xff\xfe",
    ],
)
def test_bad_json_is_400_and_writes_nothing(api, event, raw_table, raw):
    before = raw_table.get("ev-1")
    response = post(api, raw)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert raw_table.get("ev-1") == before


def test_unknown_fields_are_never_stored(api, event, raw_table):
    response = post(api, body(operator="mallory", kind="void", email_sent=True, extra="x"))
    assert response.status_code == 201
    stored = raw_table.get("ev-1")["payments"]["L"][-1]["M"]
    assert stored["operator"] == {"S": "alice"} and stored["kind"] == {"S": "payment"}
    assert stored["email_sent"] == {"BOOL": False} and "extra" not in stored


def test_body_too_large_is_413(api, event, raw_table):
    before = raw_table.get("ev-1")
    response = post(api, body(notes="x" * 20000))
    assert response.status_code == 413 and response.json()["ok"] is False
    assert raw_table.get("ev-1") == before


def test_item_over_400kb_is_507_and_unchanged(api, raw_table):
    raw_table.put(
        event_item(
            "big",
            roster=[patron("p1", "Ada")],
            blob={"S": "x" * (399 * 1024)},
        )
    )
    before = raw_table.get("big")
    response = post(api, body(event_id="big", notes="y" * 900))
    assert response.status_code == 507
    assert "400 KB" in response.json()["error"]
    assert raw_table.get("big") == before


def test_roles_and_auth(staff_user, admin_user, event, raw_table):
    before = raw_table.get("ev-1")
    assert post(Client(), body()).status_code == 401
    assert post(Client(HTTP_AUTHORIZATION="Bearer junk"), body()).status_code == 401
    assert post(Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff_user)}"), body()).status_code == 403
    assert post(signed_in_client(staff_user), body()).status_code == 403
    assert raw_table.get("ev-1") == before
    assert Client().get(URL).status_code == 405


def test_session_needs_csrf_token_bearer_does_not(admin_user, event):
    client = Client(enforce_csrf_checks=True)
    # The login POST itself needs a token: get one first.
    assert client.post("/login/", {"username": "alice", "password": "correct horse battery"}).status_code == 403
    client.get("/login/")
    token = client.cookies["scc_csrftoken"].value
    form = {"username": "alice", "password": "correct horse battery", "csrfmiddlewaretoken": token}
    assert client.post("/login/", form).status_code == 302
    token = client.cookies["scc_csrftoken"].value  # rotated by the sign-in, as Django's login does
    no_token = client.post(URL, json.dumps(body()), content_type="application/json")
    assert no_token.status_code == 403 and "CSRF" in no_token.json()["error"]
    with_token = client.post(URL, json.dumps(body()), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert with_token.status_code == 201
    bearer = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token_for('alice')}")
    assert bearer.post(URL, json.dumps(body()), content_type="application/json").status_code == 201


def test_exactly_one_consistent_read_and_one_update_on_the_events_table(api, event, settings):
    with events_table_calls(settings.EVENTS_TABLE) as calls:
        assert post(api, body()).status_code == 201
    assert calls == [("BatchGetItem", True), ("UpdateItem", None)]  # the read is the operator's too


@pytest.mark.soak  # 8 threads, 224 requests: seconds, so not in make test-fast
def test_concurrent_payments_none_lost_none_doubled(admin_user, event, raw_table):
    token = token_for(admin_user)
    ids = [[str(uuid.uuid4()) for _ in range(25)] for _ in range(8)]
    failures = []

    def worker(batch):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        for pid in batch:
            response = post(client, body(payment_id=pid, amount="1.00"))
            if response.status_code != 201:
                failures.append(response.status_code)
        # Replays of the same ids must not add records.
        for pid in batch[:3]:
            if post(client, body(payment_id=pid, amount="1.00")).status_code != 200:
                failures.append("replay")

    threads = [threading.Thread(target=worker, args=(batch,)) for batch in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    item = raw_table.get("ev-1")
    stored = [r["M"]["payment_id"]["S"] for r in item["payments"]["L"] if "payment_id" in r["M"]]
    expected = sorted(pid for batch in ids for pid in batch)
    assert sorted(stored) == expected
    assert sorted(item["payment_ids"]["SS"]) == expected
    assert len(item["audit"]["L"]) == 200


# The operator is read with the event (one BatchGetItem): still checked on every request -----------


def bearer(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(
    "change",
    [{"disabled": True}, {"role": "staff"}, {"password": "reset by an admin 42"}],
    ids=["disable", "role change", "password reset"],
)
def test_an_admin_change_stops_the_operators_payment_logs_at_once(admin_user, event, raw_table, change):
    services.add_operator(actor=COMMAND_LINE, username="dana", role="admin", password=PASSWORD)
    session, token = signed_in_client("dana"), bearer(token_for("dana"))
    assert [post(c, body()).status_code for c in (session, token)] == [201, 201]
    services.update_operator(actor=COMMAND_LINE, username="dana", **change)
    before = raw_table.get("ev-1")
    assert [post(c, body()).status_code for c in (session, token)] == [401, 401]
    assert raw_table.get("ev-1") == before


def test_a_signed_out_session_and_a_logged_out_token_stop_logging_payments_at_once(admin_user, event, raw_table):
    session, other = signed_in_client("alice"), signed_in_client("alice")
    token, kept = token_for("alice"), token_for("alice")
    assert [post(c, body()).status_code for c in (session, bearer(token))] == [201, 201]
    assert bearer(token).post("/api/logout").status_code == 200
    assert session.post("/logout/").status_code == 302
    before = raw_table.get("ev-1")
    assert [post(c, body()).status_code for c in (session, bearer(token))] == [401, 401]
    assert raw_table.get("ev-1") == before
    assert [post(c, body()).status_code for c in (other, bearer(kept))] == [201, 201]  # only those two ended
