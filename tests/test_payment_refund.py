"""Refunds (POST /api/payment-refund), voids of refunded payments, and `method` on payment-log, on dynalite."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from tests.conftest import post_json, signed_in_client, token_for
from tests.factories import event_item, legacy_payment, patron

URL = "/api/payment-refund"
CAPTAIN = {"S": "Capt. Alvarez"}


@pytest.fixture
def paid(api, raw_table):
    """ev-1 with a legacy record and a card payment of 100.00 by Ada; returns the payment id."""
    raw_table.put(
        event_item(
            "ev-1",
            price="100",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[legacy_payment("20")],
            captain=CAPTAIN,
        )
    )
    pid = str(uuid.uuid4())
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "100.00", "payment_id": pid, "method": "card"}
    assert post_json(api, "/api/payment-log", body).status_code == 201
    return pid


def refund(client, pid, amount="30.00", **overrides):
    body = {"event_id": "ev-1", "payment_id": pid, "amount": amount, "reason": "left early", **overrides}
    return post_json(client, URL, body)


def records(raw_table):
    return [r["M"] for r in raw_table.get("ev-1")["payments"]["L"]]


def test_refund_appends_its_own_negative_record_and_audit_entry(api, paid, raw_table):
    before = raw_table.get("ev-1")
    rid = str(uuid.uuid4())
    response = refund(api, paid, refund_id=rid)
    assert response.status_code == 201, response.content
    data = response.json()
    payment = data["payment"]
    assert payment["payment_id"] == rid and payment["kind"] == "refund" and payment["refunds"] == paid
    assert payment["amount"] == "-30.00" and payment["notes"] == "left early" and payment["patron_id"] == "p1"
    assert payment["method"] == "card" and payment["operator"] == "alice"
    assert data["totals"] == {"paid": "90.00", "expected": "200.00", "outstanding": "110.00"}

    after = raw_table.get("ev-1")
    assert after["payments"]["L"][:2] == before["payments"]["L"]  # the payment itself is untouched
    stored = after["payments"]["L"][2]["M"]
    assert stored["kind"] == {"S": "refund"} and stored["refunds"] == {"S": paid} and stored["amount"] == {"N": "-30"}
    assert sorted(after["payment_ids"]["SS"]) == sorted([paid, rid])
    entry = after["audit"]["L"][-1]["M"]
    assert entry["action"] == {"S": "payment.refunded"} and entry["amount"] == {"N": "-30"}
    assert entry["payment_id"] == {"S": rid} and "left early" in entry["detail"]["S"]
    assert after["captain"] == CAPTAIN
    keep = set(before) - {"payments", "payment_ids", "audit"}
    assert {k: before[k] for k in keep} == {k: after[k] for k in keep}


def test_balances_count_the_refund(api, paid):
    assert refund(api, paid).status_code == 201
    event = api.get("/api/events/ev-1").json()["event"]
    ada = next(p for p in event["roster"] if p["patron_id"] == "p1")
    assert (ada["paid"], ada["outstanding"]) == ("70.00", "30.00")
    grace = next(p for p in event["roster"] if p["patron_id"] == "p2")
    assert (grace["paid"], grace["outstanding"]) == ("0.00", "100.00")


def test_same_refund_id_and_body_again_is_200_and_writes_nothing(api, paid, raw_table):
    rid = str(uuid.uuid4())
    first = refund(api, paid, refund_id=rid)
    assert first.status_code == 201
    before = raw_table.get("ev-1")
    again = refund(api, paid, refund_id=rid)
    assert again.status_code == 200, again.content
    assert again.json()["payment"] == first.json()["payment"]
    assert raw_table.get("ev-1") == before


@pytest.mark.parametrize("change", [{"amount": "31.00"}, {"reason": "other"}])
def test_refund_id_reused_with_another_body_is_409(api, paid, raw_table, change):
    rid = str(uuid.uuid4())
    assert refund(api, paid, refund_id=rid).status_code == 201
    before = raw_table.get("ev-1")
    response = refund(api, paid, refund_id=rid, **change)
    assert response.status_code == 409 and "refund_id" in response.json()["fields"]
    assert raw_table.get("ev-1") == before


def test_a_payment_id_used_as_refund_id_is_409(api, paid, raw_table):
    before = raw_table.get("ev-1")
    response = refund(api, paid, refund_id=paid)
    assert response.status_code == 409
    assert raw_table.get("ev-1") == before


def test_more_than_is_left_is_409_and_the_rest_can_be_refunded(api, paid, raw_table):
    assert refund(api, paid, "60.00").status_code == 201
    before = raw_table.get("ev-1")
    response = refund(api, paid, "40.01")
    assert response.status_code == 409, response.content
    assert "at most $40.00" in response.json()["error"] and response.json()["left"] == "40.00"
    assert raw_table.get("ev-1") == before
    assert refund(api, paid, "40.00").status_code == 201
    response = refund(api, paid, "0.01")
    assert response.status_code == 409 and "Nothing is left" in response.json()["error"]
    assert sum(Decimal(r["amount"]["N"]) for r in records(raw_table) if r.get("refunds")) == Decimal("-100")


def test_a_voided_payment_cannot_be_refunded(api, paid, raw_table):
    void = post_json(api, "/api/payment-void", {"event_id": "ev-1", "payment_id": paid, "reason": "typo"})
    assert void.status_code == 201
    before = raw_table.get("ev-1")
    response = refund(api, paid)
    assert response.status_code == 409 and "voided" in response.json()["error"]
    assert raw_table.get("ev-1") == before
    # A void or refund is not a payment: 400.
    response = refund(api, void.json()["payment"]["payment_id"])
    assert response.status_code == 400 and "not a payment" in response.json()["error"]
    assert raw_table.get("ev-1") == before


def test_voiding_a_partly_refunded_payment_voids_what_is_left(api, paid, raw_table):
    assert refund(api, paid, "30.00").status_code == 201
    response = post_json(api, "/api/payment-void", {"event_id": "ev-1", "payment_id": paid, "reason": "mistake"})
    assert response.status_code == 201, response.content
    assert response.json()["payment"]["amount"] == "-70.00"
    assert response.json()["totals"]["paid"] == "20.00"  # the legacy record only
    assert "after $30.00 refunded" in raw_table.get("ev-1")["audit"]["L"][-1]["M"]["detail"]["S"]


def test_a_fully_refunded_payment_has_nothing_to_void(api, paid, raw_table):
    assert refund(api, paid, "100.00").status_code == 201
    before = raw_table.get("ev-1")
    response = post_json(api, "/api/payment-void", {"event_id": "ev-1", "payment_id": paid, "reason": "x"})
    assert response.status_code == 409 and "nothing left to void" in response.json()["error"]
    assert raw_table.get("ev-1") == before


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"amount": "0"}, 400, "amount"),
        ({"amount": "-5"}, 400, "amount"),
        ({"amount": "1.001"}, 400, "amount"),
        ({"amount": None}, 400, "amount"),
        ({"amount": 1.5}, 201, None),  # a JSON number is a Decimal, never a float
        ({"reason": ""}, 400, "reason"),
        ({"reason": None}, 400, "reason"),
        ({"reason": "x" * 1001}, 400, "reason"),
        ({"refund_id": ""}, 400, "refund_id"),
        ({"refund_id": "nope"}, 400, "refund_id"),
        ({"payment_id": ""}, 400, "payment_id"),
        ({"payment_id": 5}, 400, "payment_id"),
        ({"event_id": ""}, 400, "event_id"),
        ({"payment_id": "00000000-0000-4000-8000-000000000000"}, 404, "payment_id"),
        ({"event_id": "nope"}, 404, None),
    ],
)
def test_bad_input_writes_nothing(api, paid, raw_table, overrides, status, field):
    before = raw_table.get("ev-1")
    response = refund(api, paid, **overrides)
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["payment"]["amount"] == "-1.50"
        return
    data = response.json()
    assert data["ok"] is False and data["error"]
    if field:
        assert field in data["fields"]
    assert raw_table.get("ev-1") == before


def test_an_empty_payment_id_is_400_legacy_records_have_none(api, paid, raw_table):
    before = raw_table.get("ev-1")
    response = refund(api, "")
    assert response.status_code == 400
    assert raw_table.get("ev-1") == before


def test_roles(staff_user, paid, raw_table):
    before = raw_table.get("ev-1")
    assert refund(Client(), paid).status_code == 401
    assert refund(Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff_user)}"), paid).status_code == 403
    assert refund(signed_in_client(staff_user), paid).status_code == 403
    assert raw_table.get("ev-1") == before
    assert Client().get(URL).status_code == 405


def concurrently(count, target):
    results, lock = [], threading.Lock()

    def run(i):
        outcome = target(i)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize(("amount", "landing"), [("10.00", 10), ("30.00", 3), ("7.50", 13)])
def test_16_concurrent_refunds_never_add_up_to_more_than_the_payment(admin_user, paid, raw_table, amount, landing):
    token = token_for(admin_user)

    def one(i):
        response = refund(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), paid, amount, reason=f"r{i}")
        return response.status_code, response.json()

    results = concurrently(16, one)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * landing + [409] * (16 - landing), results
    refunded = -sum(Decimal(r["amount"]["N"]) for r in records(raw_table) if r.get("refunds") == {"S": paid})
    assert refunded == Decimal(amount) * landing <= Decimal("100")
    audit = [e["M"]["action"]["S"] for e in raw_table.get("ev-1")["audit"]["L"]]
    assert audit.count("payment.refunded") == landing


def test_concurrent_refunds_and_a_void_leave_nothing_negative(admin_user, paid, raw_table):
    token = token_for(admin_user)

    def one(i):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        if i == 5:
            return post_json(client, "/api/payment-void", {"event_id": "ev-1", "payment_id": paid, "reason": "x"})
        return refund(client, paid, "20.00", reason=f"r{i}")

    responses = concurrently(12, one)
    assert all(r.status_code in (201, 409) for r in responses)
    own = [r for r in records(raw_table) if paid in (r.get("payment_id", {}).get("S"), r.get("refunds", {}).get("S"))]
    own += [r for r in records(raw_table) if r.get("voids") == {"S": paid}]
    net = sum(Decimal(r["amount"]["N"]) for r in own)
    assert Decimal("0") <= net <= Decimal("100")
    if any(r.get("voids") for r in own):
        assert net == 0


# method on payment-log ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["cash", "card", "check", "venmo", "zelle", "other"])
def test_payment_log_stores_the_method(api, raw_table, method):
    raw_table.put(event_item("m", roster=[patron("p1", "Ada")]))
    body = {"event_id": "m", "patron_id": "p1", "amount": "5", "method": method}
    response = post_json(api, "/api/payment-log", body)
    assert response.status_code == 201 and response.json()["payment"]["method"] == method
    assert raw_table.get("m")["payments"]["L"][0]["M"]["method"] == {"S": method}


def test_method_is_optional_and_checked(api, raw_table):
    raw_table.put(event_item("m", roster=[patron("p1", "Ada")]))
    response = post_json(api, "/api/payment-log", {"event_id": "m", "patron_id": "p1", "amount": "5"})
    assert response.status_code == 201 and response.json()["payment"]["method"] is None
    assert "method" not in raw_table.get("m")["payments"]["L"][0]["M"]
    before = raw_table.get("m")
    for bad in ["bitcoin", "", 3, ["cash"], "CASH"]:
        response = post_json(
            api, "/api/payment-log", {"event_id": "m", "patron_id": "p1", "amount": "5", "method": bad}
        )
        assert response.status_code == 400 and "method" in response.json()["fields"], bad
    assert raw_table.get("m") == before


def test_payment_id_empty_string_is_400_not_absent(api, raw_table):
    raw_table.put(event_item("m", roster=[patron("p1", "Ada")]))
    before = raw_table.get("m")
    body = {"event_id": "m", "patron_id": "p1", "amount": "5", "payment_id": ""}
    response = post_json(api, "/api/payment-log", body)
    assert response.status_code == 400 and "payment_id" in response.json()["fields"]
    assert raw_table.get("m") == before


def test_replay_with_another_method_is_409(api, raw_table):
    raw_table.put(event_item("m", roster=[patron("p1", "Ada")]))
    body = {"event_id": "m", "patron_id": "p1", "amount": "5", "method": "cash", "payment_id": str(uuid.uuid4())}
    assert post_json(api, "/api/payment-log", body).status_code == 201
    assert post_json(api, "/api/payment-log", body).status_code == 200
    assert post_json(api, "/api/payment-log", {**body, "method": "card"}).status_code == 409


def test_the_confirmation_email_names_the_method_and_refunds_are_not_confirmed(api, paid, outbox):
    response = post_json(api, "/api/payment-notify", {"event_id": "ev-1", "payment_id": paid})
    assert response.status_code == 200, response.content
    (message,) = outbox
    assert "Paid by:     Card" in message.body and "<td>Card</td>" in message.alternatives[0][0]
    rid = refund(api, paid).json()["payment"]["payment_id"]
    response = post_json(api, "/api/payment-notify", {"event_id": "ev-1", "payment_id": rid})
    assert response.status_code == 400 and "refund, not a payment" in response.json()["error"]
    assert len(outbox) == 1


@pytest.fixture
def outbox():
    from django.core import mail

    mail.outbox = []
    return mail.outbox
