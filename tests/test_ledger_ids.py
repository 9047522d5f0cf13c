"""Idempotency and uniqueness hold against the ledger itself, not only against `payment_ids`.

A payment, refund or void whose id is already a record's (any kind, written by anyone, in the
guard set or not) is never appended again; a void's id cannot be taken first; an empty id is a
400 at every endpoint, never "absent"."""

import json
import threading
import uuid

import pytest
from django.test import Client

from scc.dynamodb import raw_client
from tests.conftest import post_json, token_for
from tests.factories import event_item, legacy_payment, patron, payment_record

OLD = "5b4e7a7e-0d0c-4f3e-9a55-2c1f0f3b6d10"  # a record other software wrote, its id not in payment_ids


@pytest.fixture
def ledger(raw_table):
    raw_table.put(
        event_item(
            "ev-1",
            roster=[patron("p1", "Ada", "ada@example.com")],
            payments=[legacy_payment("20"), payment_record(OLD, "p1", "45", notes="cash")],
            payment_ids={"SS": ["not-a-record"]},
            other_software={"S": "keep"},
        )
    )
    return raw_table


def log(api, **overrides):
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "45.00", "notes": "cash", "payment_id": OLD}
    return post_json(api, "/api/payment-log", {**body, **overrides})


@pytest.mark.parametrize("written_as", [OLD, OLD.upper(), OLD.replace("-", "")])
def test_a_payment_already_in_the_ledger_is_a_replay_even_when_payment_ids_lacks_it(api, ledger, written_as):
    item = ledger.get("ev-1")
    item["payments"]["L"][1]["M"]["payment_id"] = {"S": written_as}  # as other software spelled it
    ledger.put(item)
    same = log(api)
    assert same.status_code == 200, same.content  # the stored payment, not a second one
    assert same.json()["payment"]["amount"] == "45.00"
    other = log(api, amount="50.00")
    assert other.status_code == 409
    assert ledger.get("ev-1") == item


def test_a_refund_id_already_in_the_ledger_is_never_appended_again(api, ledger):
    before = ledger.get("ev-1")
    response = post_json(
        api,
        "/api/payment-refund",
        {"event_id": "ev-1", "payment_id": OLD, "amount": "5", "reason": "x", "refund_id": OLD},
    )
    assert response.status_code == 409 and "refund_id" in response.json()["fields"]
    assert ledger.get("ev-1") == before


def test_an_id_only_the_guard_set_names_is_taken_too(api, ledger):
    before = ledger.get("ev-1")
    assert log(api, payment_id=str(uuid.UUID(int=9))).status_code == 201
    item = ledger.get("ev-1")
    item["payment_ids"]["SS"].append(str(uuid.UUID(int=10)))
    ledger.put(item)
    assert log(api, payment_id=str(uuid.UUID(int=10))).status_code == 409
    assert ledger.get("ev-1")["payments"] == item["payments"]
    assert before["other_software"] == ledger.get("ev-1")["other_software"]


def test_a_record_landing_between_the_read_and_the_write_without_its_id_in_the_guard_set_is_seen(api, ledger, tables):
    """Other software appends a record with the same id (and no payment_ids) while the app decides:
    the write's pin fails, the app reads again and answers with that record instead of a second one."""
    client = raw_client()
    pid = str(uuid.UUID(int=11))
    landed = []

    def other_software_writes_first(params, **kwargs):
        if params.get("TableName") == tables.EVENTS_TABLE and not landed:
            landed.append(True)
            record = payment_record(pid, "p1", "45", notes="cash")
            client.update_item(
                TableName=tables.EVENTS_TABLE,
                Key={"event_id": {"S": "ev-1"}},
                UpdateExpression="SET payments = list_append(payments, :r)",
                ExpressionAttributeValues={":r": {"L": [record]}},
            )

    client.meta.events.register(
        "provide-client-params.dynamodb.UpdateItem", other_software_writes_first, unique_id="race"
    )
    try:
        response = log(api, payment_id=pid)
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.UpdateItem", unique_id="race")
    assert landed and response.status_code == 200, response.content
    stored = [r["M"]["payment_id"]["S"] for r in ledger.get("ev-1")["payments"]["L"] if "payment_id" in r["M"]]
    assert stored.count(pid) == 1


def test_a_void_id_cannot_be_taken_first(api, ledger):
    """Void ids used to be uuid5(event, payment): anyone could log a payment under it and block the void."""
    namespace = uuid.UUID("6f1d5c1e-2b7a-4f43-9a53-0c6f4e0e7a11")
    guessed = str(uuid.uuid5(namespace, f"ev-1\n{OLD}"))
    assert log(api, payment_id=guessed).status_code == 201
    response = post_json(api, "/api/payment-void", {"event_id": "ev-1", "payment_id": OLD, "reason": "dup"})
    assert response.status_code == 201, response.content
    void_id = response.json()["payment"]["payment_id"]
    assert void_id != guessed and uuid.UUID(void_id).version == 4


def test_concurrent_voids_of_one_payment_void_it_once(admin_user, ledger):
    token = token_for(admin_user)
    answers = []

    def void():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        body = {"event_id": "ev-1", "payment_id": OLD, "reason": "dup"}
        answers.append(client.post("/api/payment-void", json.dumps(body), content_type="application/json").status_code)

    threads = [threading.Thread(target=void) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] + [409] * 7
    voids = [r for r in ledger.get("ev-1")["payments"]["L"] if r["M"].get("kind") == {"S": "void"}]
    assert len(voids) == 1


EMPTY_IDS = [
    ("/api/payment-log", {"event_id": "", "patron_id": "p1", "amount": "1"}, "event_id"),
    ("/api/payment-log", {"event_id": "ev-1", "patron_id": "", "amount": "1"}, "patron_id"),
    ("/api/payment-log", {"event_id": "ev-1", "patron_id": "p1", "amount": "1", "payment_id": ""}, "payment_id"),
    ("/api/payment-notify", {"event_id": "ev-1", "payment_id": ""}, "payment_id"),
    ("/api/payment-notify", {"event_id": "", "payment_id": OLD}, "event_id"),
    ("/api/payment-void", {"event_id": "ev-1", "payment_id": "", "reason": "x"}, "payment_id"),
    ("/api/payment-void", {"event_id": "", "payment_id": OLD, "reason": "x"}, "event_id"),
    ("/api/payment-refund", {"event_id": "ev-1", "payment_id": "", "amount": "1", "reason": "x"}, "payment_id"),
    (
        "/api/payment-refund",
        {"event_id": "ev-1", "payment_id": OLD, "amount": "1", "reason": "x", "refund_id": ""},
        "refund_id",
    ),
    ("/api/payment-refund", {"event_id": "", "payment_id": OLD, "amount": "1", "reason": "x"}, "event_id"),
    ("/api/roster-add", {"event_id": "", "name": "Grace"}, "event_id"),
    ("/api/roster-update", {"event_id": "ev-1", "patron_id": "", "name": "Grace"}, "patron_id"),
    ("/api/roster-cancel", {"event_id": "ev-1", "patron_id": "", "reason": "x"}, "patron_id"),
    ("/api/roster-checkin", {"event_id": "", "patron_id": "p1", "checked_in": True}, "event_id"),
    ("/api/events", {"title": "T", "starts_at": "2099-01-01T10:00", "event_id": ""}, "event_id"),
]


@pytest.mark.parametrize(("url", "body", "field"), EMPTY_IDS)
def test_an_empty_id_is_a_400_never_absent(api, ledger, url, body, field):
    before = ledger.get("ev-1")
    response = post_json(api, url, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert ledger.get("ev-1") == before
