"""Production headers on every response, and HTTPS enforced behind CloudFront."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture
def https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return Client(HTTP_X_FORWARDED_PROTO="https")


def assert_security_headers(response):
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("url", ["/login/", "/healthz", "/api/events/x", "/nope/"])
def test_every_response_carries_the_headers(tables, https, url):
    assert_security_headers(https.get(url))


def test_plain_http_redirects_to_https(tables, https):
    response = Client().get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


def test_cookies_are_secure_httponly_and_lax(admin_user, https):
    response = https.get("/login/")
    csrf = response.cookies["scc_csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = https.post("/login/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf.value})
    assert response.status_code == 302
    session = response.cookies["scc_session"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_our_own_404_page_not_debug(tables, https):
    response = https.get("/definitely/not/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "URLconf" not in html and "Traceback" not in html


def test_api_404_is_json(tables, https):
    response = https.get("/api/nothing-here")
    assert response.status_code == 404 and response.json() == {"ok": False, "error": "Not found."}
