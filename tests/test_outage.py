"""DynamoDB unreachable: our own 503 page, the JSON error shape, never a 500."""

import pytest
from django.test import Client

from scc.dynamodb import bind_models
from tests.conftest import signed_in_client, token_for
from tests.dynalite import free_port


@pytest.fixture
def dead_endpoint(settings):
    def kill():
        settings.DYNAMODB_HOST = f"http://127.0.0.1:{free_port()}"
        bind_models()

    return kill


def test_pages_answer_503_with_our_page(admin_user, dead_endpoint):
    client = signed_in_client(admin_user)
    dead_endpoint()
    for url in ["/", "/events/ev-1/"]:
        response = client.get(url)
        assert response.status_code == 503, url
        assert "Temporarily unavailable" in response.content.decode()
        assert response["Retry-After"] == "30"


def test_api_answers_503_json(admin_user, dead_endpoint):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")
    dead_endpoint()
    response = client.get("/api/events/ev-1")
    assert response.status_code == 503
    assert response.json()["ok"] is False and "unavailable" in response.json()["error"]
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "5"}
    response = client.post("/api/payment-log", body, content_type="application/json")
    assert response.status_code == 503 and response.json()["ok"] is False
    response = Client().post("/api/login", {"username": "a", "password": "b"}, content_type="application/json")
    assert response.status_code == 503 and response.json()["ok"] is False


def test_login_form_still_renders_for_anonymous(tables, dead_endpoint):
    dead_endpoint()
    assert Client().get("/login/").status_code == 200


def test_login_form_post_answers_503(tables, dead_endpoint):
    dead_endpoint()
    response = Client().post("/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 503


def test_public_waiver_outage_page_has_no_staff_header(tables, dead_endpoint):
    dead_endpoint()
    response = Client().get("/g/ev-1/waiver")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Ship Captain Crew" in html and "Dispatch" not in html


def test_csrf_failure_page_is_our_own(tables):
    response = Client(enforce_csrf_checks=True).post("/g/ev-1/waiver", {"full_name": "A"})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()


def test_dispatch_page_is_503_when_only_the_events_table_fails(admin_user, settings):
    client = signed_in_client(admin_user)
    settings.EVENTS_TABLE = "no-such-table"
    bind_models()
    response = client.get("/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
