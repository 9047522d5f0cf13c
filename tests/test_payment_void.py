import threading
import uuid

import pytest
from django.test import Client

from tests.conftest import post_json, signed_in_client, token_for
from tests.factories import event_item, legacy_payment, patron

URL = "/api/payment-void"


@pytest.fixture
def paid(api, raw_table):
    """ev-1 with a legacy record and one payment of 45.00 by Ada; returns the payment id."""
    raw_table.put(
        event_item(
            "ev-1",
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[legacy_payment("20")],
            captain={"S": "Capt. Alvarez"},
        )
    )
    pid = str(uuid.uuid4())
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "45.00", "payment_id": pid}
    assert post_json(api, "/api/payment-log", body).status_code == 201
    return pid


def void(client, pid, **overrides):
    return post_json(client, URL, {"event_id": "ev-1", "payment_id": pid, "reason": "double charge", **overrides})


def test_void_appends_a_negative_record_and_audit_entry_in_one_write(api, paid, raw_table):
    before = raw_table.get("ev-1")
    response = void(api, paid)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["ok"] is True
    payment = data["payment"]
    assert payment["kind"] == "void" and payment["voids"] == paid and payment["amount"] == "-45.00"
    assert payment["notes"] == "double charge" and payment["operator"] == "alice" and payment["patron_id"] == "p1"
    assert payment["payment_id"] != paid and uuid.UUID(payment["payment_id"])
    assert data["totals"] == {"paid": "20.00", "expected": "90.00", "outstanding": "70.00"}

    item = raw_table.get("ev-1")
    assert item["payments"]["L"][:2] == before["payments"]["L"]  # originals untouched
    stored = item["payments"]["L"][2]["M"]
    assert stored["amount"] == {"N": "-45"} and stored["kind"] == {"S": "void"} and stored["voids"] == {"S": paid}
    # payment_ids keeps its meaning: exactly the payment_ids in payments.
    assert sorted(item["payment_ids"]["SS"]) == sorted([paid, payment["payment_id"]])
    entry = item["audit"]["L"][-1]["M"]
    assert entry["action"] == {"S": "payment.voided"} and entry["amount"] == {"N": "-45"}
    assert entry["payment_id"] == {"S": payment["payment_id"]} and "double charge" in entry["detail"]["S"]
    assert item["captain"] == {"S": "Capt. Alvarez"}


def test_totals_and_balances_count_the_void(api, admin_client, paid):
    assert void(api, paid).status_code == 201
    event = api.get("/api/events/ev-1").json()["event"]
    assert event["totals"] == {"paid": "20.00", "expected": "90.00", "outstanding": "70.00"}
    assert [p["kind"] for p in event["payments"]] == ["payment", "payment", "void"]
    html = admin_client.get("/events/ev-1/").content.decode()
    assert 'data-field="paid">$20.00<' in html
    # Ada: paid 45.00, voided 45.00: net paid 0.00, outstanding 45.00.
    ada = html[html.index("Ada Lovelace</th>") :].split("</tr>")[0]
    assert 'data-field="paid">$0.00<' in ada and 'data-field="outstanding">$45.00<' in ada
    assert 'class="voided"' in html and "Voided" in html


def test_second_void_is_409_and_writes_nothing(api, paid, raw_table):
    assert void(api, paid).status_code == 201
    before = raw_table.get("ev-1")
    response = void(api, paid, reason="again")
    assert response.status_code == 409 and response.json()["ok"] is False
    assert "already voided" in response.json()["error"]
    assert raw_table.get("ev-1") == before


def test_void_of_a_void_is_400_and_writes_nothing(api, paid, raw_table):
    void_id = void(api, paid).json()["payment"]["payment_id"]
    before = raw_table.get("ev-1")
    response = void(api, void_id)
    assert response.status_code == 400 and "void cannot be voided" in response.json()["error"]
    assert raw_table.get("ev-1") == before


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"reason": ""}, 400, "reason"),
        ({"reason": "   "}, 400, "reason"),
        ({"reason": None}, 400, "reason"),
        ({"reason": ["x"]}, 400, "reason"),
        ({"reason": "x" * 1001}, 400, "reason"),
        ({"payment_id": "not-a-uuid"}, 400, "payment_id"),
        ({"payment_id": None}, 400, "payment_id"),
        ({"event_id": 7}, 400, "event_id"),
        ({"payment_id": "00000000-0000-4000-8000-000000000000"}, 404, "payment_id"),
        ({"event_id": "nope"}, 404, None),
    ],
)
def test_bad_input_writes_nothing(api, paid, raw_table, overrides, status, field):
    before = raw_table.get("ev-1")
    response = void(api, paid, **overrides)
    assert response.status_code == status, response.content
    data = response.json()
    assert data["ok"] is False and data["error"]
    if field:
        assert field in data["fields"]
    assert raw_table.get("ev-1") == before


def test_bad_json_is_400(api, paid, raw_table):
    before = raw_table.get("ev-1")
    assert api.post(URL, b"{", content_type="application/json").status_code == 400
    assert raw_table.get("ev-1") == before


def test_roles(staff_user, api, paid, raw_table):
    before = raw_table.get("ev-1")
    assert void(Client(), paid).status_code == 401
    assert void(Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff_user)}"), paid).status_code == 403
    assert void(signed_in_client(staff_user), paid).status_code == 403
    assert raw_table.get("ev-1") == before
    assert Client().get(URL).status_code == 405


def test_concurrent_voids_of_one_payment_land_once(admin_user, paid, raw_table):
    token = token_for(admin_user)
    statuses = []

    def worker():
        statuses.append(void(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), paid).status_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 7
    item = raw_table.get("ev-1")
    voids = [r for r in item["payments"]["L"] if r["M"].get("kind") == {"S": "void"}]
    assert len(voids) == 1
    assert [e["M"]["action"]["S"] for e in item["audit"]["L"]].count("payment.voided") == 1


def test_void_buttons_only_for_admins_and_voidable_rows(api, admin_client, staff_client, paid):
    html = admin_client.get("/events/ev-1/").content.decode()
    assert html.count('class="button small danger void-payment"') == 1  # not for the legacy record
    assert f'data-payment-id="{paid}"' in html and 'id="void-dialog"' in html
    assert void(api, paid).status_code == 201
    html = admin_client.get("/events/ev-1/").content.decode()
    assert "void-payment" not in html.split('id="void-dialog"')[0]  # voided, and the void itself: no button
    staff_html = staff_client.get("/events/ev-1/").content.decode()
    assert "void-payment" not in staff_html and "void-dialog" not in staff_html


def test_void_that_would_exceed_400kb_is_507_and_unchanged(api, raw_table):
    pid = str(uuid.uuid4())
    payment = {
        "M": {
            "payment_id": {"S": pid},
            "timestamp": {"S": "2026-11-01T10:00:00.000+00:00"},
            "operator": {"S": "alice"},
            "patron_id": {"S": "p1"},
            "amount": {"N": "45"},
            "kind": {"S": "payment"},
        }
    }
    raw_table.put(
        event_item(
            "big",
            roster=[patron("p1", "Ada")],
            payments=[payment],
            payment_ids={"SS": [pid]},
            blob={"S": "x" * (399 * 1024)},
        )
    )
    before = raw_table.get("big")
    response = post_json(api, URL, {"event_id": "big", "payment_id": pid, "reason": "y" * 1000})
    assert response.status_code == 507 and "400 KB" in response.json()["error"]
    assert raw_table.get("big") == before


def test_event_activity_lists_the_void(api, admin_client, paid):
    assert void(api, paid).status_code == 201
    html = admin_client.get("/events/ev-1/").content.decode()
    activity = html[html.index('id="activity"') :]
    assert "Payment voided" in activity and "double charge" in activity and "-$45.00" in activity
