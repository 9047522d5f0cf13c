"""DynamoDB throttling, through a proxy in front of dynalite: bounded retries, 503 when it persists,
nothing half-written.

PynamoDB gives botocore's standard retry mode total_max_attempts = 1 + Meta.max_retry_attempts.
"""

import json
import uuid

import pytest
from django.test import Client

from scc.dynamodb import MAX_RETRY_ATTEMPTS, bind_models, configured_models
from tests.conftest import signed_in_client, token_for
from tests.factories import event_item, patron
from tests.throttle_proxy import ThrottleProxy

pytestmark = pytest.mark.wire

# Attempts per call, counted at the proxy instead of timed: 4 attempts mean at most rand() * (1 + 2 + 4) s of
# botocore backoff before the 503; each further attempt would double the wait.
BUDGET = 1 + MAX_RETRY_ATTEMPTS


@pytest.fixture
def api(admin_user):
    """Signed in before the proxy starts: signing in writes too, and the tests count writes at the proxy."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")


@pytest.fixture
def page_client(admin_user):
    return signed_in_client(admin_user)


@pytest.fixture
def proxy(api, page_client, raw_table, dynalite_server, settings):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada", "ada@example.com")]))
    server = ThrottleProxy(dynalite_server.port).start()
    settings.DYNAMODB_HOST = server.endpoint  # a new endpoint: a fresh client and retry quota
    bind_models()
    yield server
    server.stop()


def log_payment(client, payment_id):
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "45.00", "payment_id": payment_id}
    return client.post("/api/payment-log", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("error", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_transient_throttle_is_retried_and_the_write_lands_once(proxy, raw_table, api, error):
    proxy.error = error
    client = api
    proxy.throttle("UpdateItem", times=2)
    pid = str(uuid.uuid4())
    response = log_payment(client, pid)
    assert response.status_code == 201, response.content
    assert proxy.attempts["UpdateItem"] == 3 and proxy.throttled["UpdateItem"] == 2
    item = raw_table.get("ev-1")
    assert [p["M"]["payment_id"]["S"] for p in item["payments"]["L"]] == [pid]
    assert item["payment_ids"]["SS"] == [pid]
    assert [a["M"]["action"]["S"] for a in item["audit"]["L"]] == ["payment.logged"]


def test_persistent_throttle_on_a_write_is_503_after_the_budget_and_writes_nothing(proxy, raw_table, api):
    client = api
    before = raw_table.get("ev-1")
    proxy.throttle("UpdateItem")
    response = log_payment(client, str(uuid.uuid4()))
    assert response.status_code == 503
    assert response.json()["ok"] is False and "unavailable" in response.json()["error"]
    assert response["Retry-After"] == "30"
    assert proxy.attempts["UpdateItem"] == proxy.throttled["UpdateItem"] == BUDGET == 4
    assert raw_table.get("ev-1") == before


def test_persistent_throttle_on_reads_is_503_for_page_api_and_healthz(proxy, page_client, api):
    api_client = api
    for target in ("GetItem", "DescribeTable", "Scan", "Query"):
        proxy.throttle(target)
    for client, url in [(page_client, "/"), (api_client, "/api/events/ev-1"), (Client(), "/healthz")]:
        proxy.reset_counts()
        response = client.get(url)
        assert response.status_code == 503, url
        # The first throttled call uses the whole budget, then the request gives up. /healthz asks
        # each of its tables once, in parallel: a budget each, one budget of time.
        tables = {model.Meta.table_name for model in configured_models()}  # events, operators, counters
        expected = len(tables) * BUDGET if url == "/healthz" else BUDGET
        assert sum(proxy.attempts.values()) == sum(proxy.throttled.values()) == expected, (url, proxy.attempts)
        if url == "/":
            assert "Temporarily unavailable" in response.content.decode()
        else:
            assert response.json()["ok"] is False and isinstance(response.json()["error"], str)


def test_a_write_applied_but_its_response_lost_is_retried_and_lands_once(proxy, raw_table, api):
    client = api
    proxy.lose_response("UpdateItem")
    pid = str(uuid.uuid4())
    response = log_payment(client, pid)
    # The retry meets its own write (the payment_id condition) and answers with the stored payment.
    assert response.status_code == 200, response.content
    assert response.json()["payment"]["payment_id"] == pid
    assert proxy.attempts["UpdateItem"] == 2
    item = raw_table.get("ev-1")
    assert [p["M"]["payment_id"]["S"] for p in item["payments"]["L"]] == [pid]
    assert len(item["audit"]["L"]) == 1
