import re
import time

import pytest
from django.core import signing
from django.test import Client

from scc import authentication, operators
from tests.conftest import PASSWORD, signed_in_client, token_for


def api_login(client, body, **extra):
    return client.post("/api/login", body, content_type="application/json", **extra)


# Session login ---------------------------------------------------------------


def test_login_page_renders_form(tables):
    response = Client().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html and "csrfmiddlewaretoken" in html


def test_login_redirects_to_next_and_logout_ends_session(admin_user):
    client = Client()
    response = client.post("/login/", {"username": "alice", "password": PASSWORD, "next": "/events/x/"})
    assert response.status_code == 302 and response["Location"] == "/events/x/"
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_refuses_offsite_next(admin_user):
    response = Client().post("/login/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_login_form_enforces_csrf(admin_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_logout_is_post_only(admin_client):
    assert admin_client.get("/logout/").status_code == 405


def test_wrong_password_and_unknown_user_get_identical_errors(admin_user):
    wrong = Client().post("/login/", {"username": "alice", "password": "nope"})
    unknown = Client().post("/login/", {"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Invalid username or password." in wrong.content.decode()
    assert _page(wrong, "alice") == _page(unknown, "nobody")
    api_wrong = api_login(Client(), {"username": "alice", "password": "nope"})
    api_unknown = api_login(Client(), {"username": "nobody", "password": "nope"})
    assert api_wrong.status_code == api_unknown.status_code == 401
    assert api_wrong.json() == api_unknown.json()


def _page(response, username):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html.replace(username, "X")


# API login and tokens ----------------------------------------------------------


def test_api_login_returns_token_role_and_expiry(admin_user):
    response = api_login(Client(), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["role"] == "admin" and body["expires_at"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get("/api/events/none").status_code == 404  # authenticated, event unknown


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'"x"', b"{}", b'{"username": 1, "password": 2}', b'{"username": "a"}', b"NaN"],
)
def test_api_login_bad_bodies_are_400_with_error_shape(tables, body):
    response = Client().post("/api/login", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["error"]


def test_api_login_get_is_405_json(tables):
    response = Client().get("/api/login")
    assert response.status_code == 405 and response.json()["ok"] is False


def test_tampered_token_is_401(admin_user):
    token = token_for("alice")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token[:-2]}xx")
    response = client.get("/api/events/x")
    assert response.status_code == 401 and response.json()["ok"] is False


def test_expired_token_is_401(admin_user, monkeypatch):
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 13 * 3600)
    token = token_for("alice")
    monkeypatch.setattr(time, "time", real)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/events/x").status_code == 401


def test_token_signed_for_another_purpose_is_refused(admin_user):
    forged = signing.dumps({"u": "alice", "f": "x"}, salt=authentication.TOKEN_SALT)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {forged}").get("/api/events/x").status_code == 401
    other_salt = signing.dumps({"u": "alice"})
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other_salt}").get("/api/events/x").status_code == 401


# Disabled operators and password changes -----------------------------------------


def test_disabling_ends_existing_session_and_token_at_once(admin_user):
    client = signed_in_client("alice")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token_for('alice')}")
    assert client.get("/").status_code == 200
    operators.set_disabled(username="alice")
    assert client.get("/").status_code == 302
    assert bearer.get("/api/events/x").status_code == 401
    assert Client().post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 401


def test_password_change_ends_other_sessions(admin_user):
    client = signed_in_client("alice")
    operators.set_password(username="alice", password="a brand new password")
    assert client.get("/").status_code == 302


# Lockout ------------------------------------------------------------------------


def test_five_failures_lock_for_fifteen_minutes_even_with_right_password(admin_user):
    for _ in range(5):
        assert api_login(Client(), {"username": "alice", "password": "wrong"}).status_code == 401
    response = api_login(Client(), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "15 minutes" in response.json()["error"]
    assert Client().post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    stored = operators.get_operator("alice")
    assert stored.locked_until and stored.failed_logins == 0


def test_lock_expires(admin_user):
    from events.models import Event  # noqa: F401  (models bound by the fixture)

    operators.Operator("alice").update(actions=[operators.Operator.locked_until.set("2000-01-01T00:00:00+00:00")])
    assert api_login(Client(), {"username": "alice", "password": PASSWORD}).status_code == 200
    assert operators.get_operator("alice").locked_until is None


def test_success_resets_the_failure_count(admin_user):
    for _ in range(4):
        api_login(Client(), {"username": "alice", "password": "wrong"})
    assert api_login(Client(), {"username": "alice", "password": PASSWORD}).status_code == 200
    for _ in range(4):
        api_login(Client(), {"username": "alice", "password": "wrong"})
    assert api_login(Client(), {"username": "alice", "password": PASSWORD}).status_code == 200


def test_unknown_users_leave_no_items(tables):
    statuses = [api_login(Client(), {"username": "ghost", "password": "x"}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]  # counted and locked like a real name...
    assert operators.get_operator("ghost") is None  # ...without an operator item


# Break-glass admin ----------------------------------------------------------------


def test_break_glass_admin_from_env(tables, break_glass):
    response = api_login(Client(), {"username": "admin", "password": break_glass})
    assert response.status_code == 200 and response.json()["role"] == "admin"
    client = Client()
    client.post("/login/", {"username": "admin", "password": break_glass})
    assert client.get("/").status_code == 200


def test_break_glass_locks_too(tables, break_glass):
    for _ in range(5):
        api_login(Client(), {"username": "admin", "password": "wrong"})
    assert api_login(Client(), {"username": "admin", "password": break_glass}).status_code == 429


def test_no_break_glass_without_env(tables, settings):
    settings.ADMIN_PASS_HASH = ""
    assert api_login(Client(), {"username": "admin", "password": "anything"}).status_code == 401


def test_unknown_usernames_lock_like_real_ones_so_answers_reveal_nothing(admin_user):
    real = [api_login(Client(), {"username": "alice", "password": "wrong"}) for _ in range(6)]
    ghost = [api_login(Client(), {"username": "ghost", "password": "wrong"}) for _ in range(6)]
    assert [r.status_code for r in real] == [r.status_code for r in ghost] == [401] * 5 + [429]
    assert real[-1].json() == ghost[-1].json()
    assert operators.get_operator("ghost") is None
    assert [op.username for op in operators.list_operators()] == ["alice"]
