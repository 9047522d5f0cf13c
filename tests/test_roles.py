"""Every URL that exists, for every kind of caller."""

import time

import pytest
from django.test import Client

from scc import operators
from tests.conftest import signed_in_client, token_for
from tests.factories import event_item

PAGES = ["/", "/events/ev-1/"]
STAFF_APIS = ["/api/events/ev-1"]


@pytest.fixture
def callers(admin_user, staff_user, raw_table, monkeypatch):
    raw_table.put(event_item("ev-1"))
    operators.add_operator(username="gone", role="admin", password="correct horse battery")
    gone_session = signed_in_client("gone")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 13 * 3600)
    expired = token_for("alice")
    monkeypatch.setattr(time, "time", real)
    operators.set_disabled(username="gone")
    return {
        "anonymous": Client(),
        "staff": signed_in_client("sam"),
        "admin": signed_in_client("alice"),
        "staff_token": Client(HTTP_AUTHORIZATION=f"Bearer {token_for('sam')}"),
        "admin_token": Client(HTTP_AUTHORIZATION=f"Bearer {token_for('alice')}"),
        "disabled": gone_session,
        "expired_token": Client(HTTP_AUTHORIZATION=f"Bearer {expired}"),
        "tampered_token": Client(HTTP_AUTHORIZATION=f"Bearer {token_for('alice')[:-3]}abc"),
    }


PAGE_EXPECTED = {
    "anonymous": 302,
    "staff": 200,
    "admin": 200,
    "staff_token": 200,  # a valid Bearer token is accepted everywhere a session is
    "admin_token": 200,
    "disabled": 302,
    "expired_token": 302,
    "tampered_token": 302,
}
API_EXPECTED = {
    "anonymous": 401,
    "staff": 200,
    "admin": 200,
    "staff_token": 200,
    "admin_token": 200,
    "disabled": 401,
    "expired_token": 401,
    "tampered_token": 401,
}


@pytest.mark.parametrize("url", PAGES)
def test_pages(callers, url):
    for who, client in callers.items():
        response = client.get(url)
        expected = PAGE_EXPECTED[who]
        assert response.status_code == expected, (who, url)
        if expected == 302:
            assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", STAFF_APIS)
def test_staff_apis(callers, url):
    for who, client in callers.items():
        response = client.get(url)
        assert response.status_code == API_EXPECTED[who], (who, url)
        assert response.json()["ok"] is (API_EXPECTED[who] == 200)


def test_public_urls(tables):
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/login/").status_code == 200
