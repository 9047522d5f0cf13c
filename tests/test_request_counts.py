"""DynamoDB requests per operation, counted on the wire: a count is deterministic, so it is a test.

A botocore before-send hook on the client every model shares counts each HTTP request by
operation and table. Timings are benchmarks (bench/), never tests.
"""

import json
import uuid

import pytest
from django.test import Client

from payments import selectors
from tests.conftest import PASSWORD, post_json, token_for
from tests.factories import event_item, patron

PID = str(uuid.UUID(int=7))


@pytest.fixture
def api(admin_user, raw_table):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada Lovelace", "ada@example.com")]))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")


LOGGED = {"event_id": "ev-1", "patron_id": "p1", "amount": "45", "payment_id": PID}
# The operator and the event in one consistent BatchGetItem, then the conditional append.
TWO_ROUND_TRIPS = {("BatchGetItem", "events+operators"): 1, ("UpdateItem", "events"): 1}


def test_payment_log_with_a_token_is_two_requests_authentication_included(api, wire):
    wire.clear()
    response = post_json(api, "/api/payment-log", LOGGED)
    assert response.status_code == 201
    assert wire == TWO_ROUND_TRIPS
    assert sum(wire.values()) == 2


def test_payment_log_with_a_session_is_two_requests_authentication_included(admin_user, raw_table, wire):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada Lovelace", "ada@example.com")]))
    browser = Client(enforce_csrf_checks=True)  # as the dispatch page's script: session cookie and CSRF token
    browser.get("/login/")
    form = {"username": admin_user, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["scc_csrftoken"].value}
    assert browser.post("/login/", form).status_code == 302
    wire.clear()
    response = browser.post(
        "/api/payment-log",
        json.dumps(LOGGED),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["scc_csrftoken"].value,
    )
    assert response.status_code == 201, response.content
    assert wire == TWO_ROUND_TRIPS


def test_payment_log_replay_writes_nothing(api, wire):
    assert post_json(api, "/api/payment-log", LOGGED).status_code == 201
    wire.clear()
    assert post_json(api, "/api/payment-log", LOGGED).status_code == 200
    # The batch reads the ledger too (the id check looks in it), so a replay is answered from it.
    assert wire == {("BatchGetItem", "events+operators"): 1}


def test_payment_log_refusals_before_the_view_read_no_event(api, staff_user, wire):
    wire.clear()
    assert post_json(Client(), "/api/payment-log", LOGGED).status_code == 401
    assert wire == {}  # no credentials: nothing to read
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff_user)}")
    wire.clear()
    assert post_json(staff, "/api/payment-log", LOGGED).status_code == 403
    assert wire == {("BatchGetItem", "events+operators"): 1}  # read with the operator, then refused
    wire.clear()
    assert post_json(api, "/api/payment-log", {**LOGGED, "amount": "lots"}).status_code == 400
    assert wire == {("GetItem", "operators"): 1}  # an invalid body: only the operator, then the 400


@pytest.mark.parametrize("url", ["/api/payment-void", "/api/payment-notify"])
def test_void_is_one_read_and_one_write_and_notify_claims_first(api, wire, url):
    logged = post_json(
        api, "/api/payment-log", {"event_id": "ev-1", "patron_id": "p1", "amount": "45", "payment_id": PID}
    )
    assert logged.status_code == 201, logged.content
    wire.clear()
    response = post_json(api, url, {"event_id": "ev-1", "payment_id": PID, "reason": "duplicate"})
    assert response.status_code == {"/api/payment-void": 201, "/api/payment-notify": 200}[url], response.content
    writes = {"/api/payment-void": 1, "/api/payment-notify": 2}[url]  # notify: the claim, then mark sent
    assert wire == {("GetItem", "operators"): 1, ("GetItem", "events"): 1, ("UpdateItem", "events"): writes}


@pytest.mark.parametrize("path", ["/events/ev-1/"])
def test_pages_are_the_operator_and_one_read(admin_client, raw_table, wire, path):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada Lovelace")]))
    wire.clear()
    assert admin_client.get(path).status_code == 200
    read = ("GetItem", "events") if path.startswith("/events/") else ("Scan", "events")
    assert wire == {("GetItem", "operators"): 1, read: 1}


def test_the_operators_page_is_a_scan_and_one_batch_of_counters(admin_client, wire):
    wire.clear()
    assert admin_client.get("/operators/").status_code == 200
    assert wire == {("GetItem", "operators"): 1, ("Scan", "operators"): 1, ("BatchGetItem", "counters"): 1}


def test_the_dispatch_page_lists_with_one_scan_and_reads_its_cards_in_one_batch(admin_client, raw_table, wire):
    for n in range(30):
        raw_table.put(event_item(f"ev-{n:02d}", days=1 + n, roster=[patron("p1", "Ada Lovelace")]))
    wire.clear()
    assert admin_client.get("/").status_code == 200
    assert wire == {("GetItem", "operators"): 1, ("Scan", "events"): 1, ("BatchGetItem", "events"): 1}
    wire.clear()
    assert admin_client.get("/?show=owing").status_code == 200  # the money decides the list: one Scan reads it
    assert wire == {("GetItem", "operators"): 1, ("Scan", "events"): 1}
    wire.clear()
    assert admin_client.get("/?show=past").status_code == 200  # no card to show, nothing more to read
    assert wire == {("GetItem", "operators"): 1, ("Scan", "events"): 1}


def test_creating_an_event_is_one_conditional_updateitem(api, wire):
    wire.clear()
    response = post_json(api, "/api/events", {"title": "Regatta", "starts_at": "2099-12-05T09:30"})
    assert response.status_code == 201
    assert wire == {("GetItem", "operators"): 1, ("UpdateItem", "events"): 1}


def test_editing_an_event_is_one_read_and_one_write(api, wire):
    wire.clear()
    response = api.patch("/api/events/ev-1", json.dumps({"version": 0, "price": "50"}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert wire == {("GetItem", "operators"): 1, ("GetItem", "events"): 1, ("UpdateItem", "events"): 1}


@pytest.mark.parametrize("path", ["/audit/", "/audit.csv"])
def test_the_audit_is_the_operator_one_scan_request_per_segment_and_the_operators(admin_client, raw_table, wire, path):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada Lovelace")]))
    wire.clear()
    response = admin_client.get(path)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)  # the CSV reads as it streams
    # The events' entries, then the operators' own (stored on their items): a Scan of the small operators table.
    assert wire == {("GetItem", "operators"): 1, ("Scan", "events"): selectors.SCAN_SEGMENTS, ("Scan", "operators"): 1}
