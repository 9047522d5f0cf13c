import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.test import Client

from accounts import credentials, selectors, services
from accounts.errors import InvalidOperator
from accounts.models import COMMAND_LINE, Counter, Operator
from scc import clock
from tests.conftest import PASSWORD, expired, signed_in_client, token_for


def api_login(client, body, **extra):
    return client.post("/api/login", body, content_type="application/json", **extra)


def bearer(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def page_works(client):
    return client.get("/").status_code == 200


def api_works(client):
    return client.get("/api/events/none").status_code == 404  # authenticated; the event is unknown


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
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_sign_out_says_so_on_the_sign_in_page(admin_client):
    response = admin_client.post("/logout/", follow=True)
    assert response.status_code == 200
    assert 'role="status"' in response.content.decode() and "You are signed out." in response.content.decode()


def test_get_logout_asks_to_confirm_with_a_form_that_works_without_script(admin_client):
    response = admin_client.get("/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<form method="post" action="/logout/"', html) and ">Sign out</button>" in html
    assert page_works(admin_client)  # asking signed nobody out
    assert Client().get("/logout/")["Location"] == "/login/"  # nobody to sign out


def test_a_signed_in_operator_opening_the_login_page_is_sent_on(admin_client):
    response = admin_client.get("/login/?next=/audit/")
    assert response.status_code == 302 and response["Location"] == "/audit/"
    page = admin_client.get("/audit/").content.decode()
    assert "You are already signed in as alice." in page


def test_login_refuses_offsite_next(admin_user):
    response = Client().post("/login/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_login_form_enforces_csrf(admin_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


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


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_the_fourth_wrong_password_warns_of_the_lock_for_real_and_unknown_names(admin_user, username):
    pages = [Client().post("/login/", {"username": username, "password": "nope"}) for _ in range(4)]
    assert [p.status_code for p in pages] == [401] * 4
    assert "One attempt left" not in pages[2].content.decode()
    assert "One attempt left: another wrong password locks sign-in for 15 minutes." in pages[3].content.decode()
    fifth = api_login(Client(), {"username": username, "password": "nope"})
    assert fifth.status_code == 401 and "One attempt left" not in fifth.json()["error"]
    assert api_login(Client(), {"username": username, "password": PASSWORD}).status_code == 429


# API login and tokens ----------------------------------------------------------


def test_api_login_returns_token_role_and_expiry(admin_user):
    response = api_login(Client(), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["role"] == "admin" and body["expires_at"]
    assert api_works(bearer(body["token"]))


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
    response = bearer(f"{token[:-2]}xx").get("/api/events/x")
    assert response.status_code == 401 and response.json()["ok"] is False


def test_expired_token_is_401(admin_user):
    token = token_for("alice")
    assert api_works(bearer(token))
    assert bearer(expired(token)).get("/api/events/x").status_code == 401


def test_a_token_needs_a_credential_id_the_app_recorded(admin_user):
    real = signing.loads(token_for("alice"), salt=credentials.TOKEN_SALT)
    made_up = signing.dumps({**real, "c": "never-issued"}, salt=credentials.TOKEN_SALT)
    assert bearer(made_up).get("/api/events/x").status_code == 401
    other_salt = signing.dumps(real)
    assert bearer(other_salt).get("/api/events/x").status_code == 401


def test_a_bad_bearer_token_never_falls_back_to_the_session(admin_client):
    admin_client.defaults["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    assert admin_client.get("/api/events/x").status_code == 401


# Revocation: a copy of an old cookie or token never works again ----------------------------------


def copy_of(client):
    """Another client holding a copy of `client`'s cookies, as an attacker with a stolen cookie would."""
    copy = Client()
    for name, morsel in client.cookies.items():
        copy.cookies[name] = morsel.value
    return copy


def test_a_copied_session_cookie_stops_working_when_its_session_signs_out(admin_user):
    client = signed_in_client("alice")
    stolen = copy_of(client)
    other = signed_in_client("alice")
    assert page_works(stolen)
    client.post("/logout/")
    assert stolen.get("/").status_code == 302
    assert page_works(other)  # the operator's other session is not touched


def test_a_token_stops_working_after_api_logout_and_another_token_does_not(admin_user):
    token, other = token_for("alice"), token_for("alice")
    response = bearer(token).post("/api/logout")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert bearer(token).get("/api/events/x").status_code == 401
    assert bearer(token).post("/api/logout").status_code == 401
    assert api_works(bearer(other))


def test_api_logout_with_a_session_needs_csrf_and_ends_it(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    csrf = client.cookies["scc_csrftoken"].value
    client.post("/login/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    stolen = copy_of(client)
    assert client.post("/api/logout").status_code == 403  # no X-CSRFToken
    csrf = client.cookies["scc_csrftoken"].value  # rotated at sign-in
    assert client.post("/api/logout", HTTP_X_CSRFTOKEN=csrf).status_code == 200
    assert stolen.get("/").status_code == 302


def test_sign_out_everywhere_ends_every_session_and_token(admin_user, staff_user):
    sessions = [signed_in_client("alice") for _ in range(2)]
    stolen = copy_of(sessions[0])
    token = token_for("alice")
    staff = signed_in_client("sam")
    response = sessions[1].post("/account/sign-out-everywhere/", follow=True)
    assert "You are signed out everywhere" in response.content.decode()
    assert [c.get("/").status_code for c in (*sessions, stolen)] == [302, 302, 302]
    assert bearer(token).get("/api/events/x").status_code == 401
    assert page_works(staff)  # only alice's
    assert page_works(signed_in_client("alice"))  # and alice can sign in again


def test_changing_ones_password_ends_the_others_and_keeps_this_session(admin_user):
    client = signed_in_client("alice")
    other, token = signed_in_client("alice"), token_for("alice")
    stolen = copy_of(client)
    response = client.post(
        "/account/password/",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert page_works(client)
    assert other.get("/").status_code == 302 and stolen.get("/").status_code == 302
    assert bearer(token).get("/api/events/x").status_code == 401
    assert signed_in_client_with("alice", "a brand new passphrase")


def signed_in_client_with(username, password):
    client = Client()
    return client.post("/login/", {"username": username, "password": password}).status_code == 302


@pytest.mark.parametrize(
    "change",
    [{"disabled": True}, {"role": "staff"}, {"password": "reset by an admin 42"}],
    ids=["disable", "role change", "password reset"],
)
def test_an_admin_change_ends_every_session_and_token_at_once(admin_user, change):
    services.add_operator(actor=COMMAND_LINE, username="dana", role="admin", password=PASSWORD)
    session, token = signed_in_client("dana"), token_for("dana")
    stolen = copy_of(session)
    services.update_operator(actor=COMMAND_LINE, username="dana", **change)
    assert [c.get("/").status_code for c in (session, stolen)] == [302, 302]
    assert bearer(token).get("/api/events/x").status_code == 401


def test_a_wrong_current_password_is_refused_beside_its_field_and_counts_toward_the_lock(admin_client):
    data = {
        "current_password": "not it",
        "password": "a brand new passphrase",
        "password_confirm": "a brand new passphrase",
    }
    response = admin_client.post("/account/password/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_current_password_error"' in html and "Your current password was entered incorrectly." in html
    assert 'aria-invalid="true"' in html
    assert Counter.get("login#alice", consistent_read=True).hits == 1


def test_password_validators_apply_on_the_account_page(admin_client):
    data = {"current_password": PASSWORD, "password": "12345678901", "password_confirm": "12345678901"}
    html = admin_client.post("/account/password/", data).content.decode()
    assert "This password is entirely numeric." in html and "This password is too common." in html
    with pytest.raises(InvalidOperator, match="The password is too similar to the username."):
        services.add_operator(actor=COMMAND_LINE, username="harbormaster", role="staff", password="harbormaster1")
    data = {"current_password": PASSWORD, "password": "long enough one", "password_confirm": "another"}
    assert "The two passwords do not match." in admin_client.post("/account/password/", data).content.decode()
    assert page_works(admin_client)  # nothing changed


# Secret-key rotation and hash upgrades -------------------------------------------------------------


def test_rotating_the_secret_key_with_a_fallback_keeps_sessions_and_tokens(admin_user, settings):
    client, token = signed_in_client("alice"), token_for("alice")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "rotated-key-" + "r" * 50, [old]
    assert page_works(client)  # the session is re-signed under the new key here
    assert api_works(bearer(token))
    settings.SECRET_KEY_FALLBACKS = []
    assert page_works(client)  # ...so it outlives the old key
    assert bearer(token).get("/api/events/x").status_code == 401  # a token cannot be re-signed


def test_without_a_fallback_a_new_secret_key_signs_everyone_out(admin_user, settings):
    client, token = signed_in_client("alice"), token_for("alice")
    settings.SECRET_KEY = "rotated-key-" + "r" * 50
    assert client.get("/").status_code == 302
    assert bearer(token).get("/api/events/x").status_code == 401


def test_a_stored_hash_is_upgraded_on_sign_in_when_the_hasher_settings_change(tables, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    services.add_operator(actor=COMMAND_LINE, username="dana", role="staff", password=PASSWORD)
    assert Operator.get("dana").password_hash.startswith("md5$")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client = signed_in_client("dana")
    assert Operator.get("dana").password_hash.startswith("pbkdf2_sha256$")
    assert page_works(client)  # the session was made for the upgraded hash
    assert signed_in_client_with("dana", PASSWORD)


# Lockout ------------------------------------------------------------------------


def test_five_failures_lock_for_fifteen_minutes_even_with_right_password(admin_user):
    for _ in range(5):
        assert api_login(Client(), {"username": "alice", "password": "wrong"}).status_code == 401
    response = api_login(Client(), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "15 minutes" in response.json()["error"]
    assert Client().post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    locked_until = selectors.operator_row("alice").locked_until
    assert 14 * 60 < (locked_until - clock.now()).total_seconds() <= 15 * 60


def test_a_lock_whose_time_has_passed_is_no_lock_even_before_dynamodb_deletes_it(admin_user):
    for _ in range(5):
        api_login(Client(), {"username": "alice", "password": "wrong"})
    # As DynamoDB's TTL would leave it for a while: expired, still there.
    Counter("login#alice").update(actions=[Counter.expires_at.set(clock.now().replace(year=2000))])
    assert selectors.operator_row("alice").locked_until is None
    assert api_login(Client(), {"username": "alice", "password": PASSWORD}).status_code == 200


def test_success_resets_the_failure_count(admin_user):
    for _ in range(4):
        api_login(Client(), {"username": "alice", "password": "wrong"})
    assert api_login(Client(), {"username": "alice", "password": PASSWORD}).status_code == 200
    for _ in range(4):
        api_login(Client(), {"username": "alice", "password": "wrong"})
    assert api_login(Client(), {"username": "alice", "password": PASSWORD}).status_code == 200


def test_unknown_users_leave_no_operator_items(tables):
    statuses = [api_login(Client(), {"username": "ghost", "password": "x"}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]  # counted and locked like a real name...
    assert selectors.get_operator("ghost") is None  # ...without an operator item
    assert Counter.get("login#ghost", consistent_read=True).hits == 5  # the count is in the counters table


def test_unknown_usernames_lock_like_real_ones_so_answers_reveal_nothing(admin_user):
    real = [api_login(Client(), {"username": "alice", "password": "wrong"}) for _ in range(6)]
    ghost = [api_login(Client(), {"username": "ghost", "password": "wrong"}) for _ in range(6)]
    assert [r.status_code for r in real] == [r.status_code for r in ghost] == [401] * 5 + [429]
    assert [r.json() for r in real] == [r.json() for r in ghost]
    assert [op.username for op in selectors.list_operators()] == ["alice"]


# Break-glass admin ----------------------------------------------------------------


def test_break_glass_admin_from_env(tables, break_glass):
    response = api_login(Client(), {"username": "admin", "password": break_glass})
    assert response.status_code == 200 and response.json()["role"] == "admin"
    client = Client()
    client.post("/login/", {"username": "admin", "password": break_glass})
    assert page_works(client)
    assert selectors.list_operators() == []  # its session item is no operator


def test_break_glass_sessions_are_revocable_too(tables, break_glass):
    client = Client()
    client.post("/login/", {"username": "admin", "password": break_glass})
    stolen = copy_of(client)
    token = api_login(Client(), {"username": "admin", "password": break_glass}).json()["token"]
    client.post("/logout/")
    assert stolen.get("/").status_code == 302
    assert api_works(bearer(token))
    bearer(token).post("/api/logout")
    assert bearer(token).get("/api/events/x").status_code == 401


def test_break_glass_locks_too(tables, break_glass):
    for _ in range(5):
        api_login(Client(), {"username": "admin", "password": "wrong"})
    assert api_login(Client(), {"username": "admin", "password": break_glass}).status_code == 429


def test_a_new_admin_pass_hash_ends_the_break_glass_sessions(tables, break_glass, settings):
    client = Client()
    client.post("/login/", {"username": "admin", "password": break_glass})
    settings.ADMIN_PASS_HASH = make_password("another break glass")
    assert client.get("/").status_code == 302


def test_no_break_glass_without_env(tables, settings):
    settings.ADMIN_PASS_HASH = ""
    assert api_login(Client(), {"username": "admin", "password": "anything"}).status_code == 401


# Caches ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/audit/", "/audit.csv", "/account/", "/g/ev-1/waiver", "/api/events/x"])
def test_every_response_to_a_signed_in_request_is_no_store(admin_user, path):
    for client in (signed_in_client("alice"), bearer(token_for("alice"))):
        response = client.get(path)
        assert "no-store" in response.get("Cache-Control", ""), (path, response.status_code)


def test_a_disabled_operators_cookie_still_gets_no_store(admin_user):
    client = signed_in_client("alice")
    services.add_operator(actor=COMMAND_LINE, username="dana", role="admin", password=PASSWORD)
    services.update_operator(actor=COMMAND_LINE, username="alice", disabled=True)
    assert "no-store" in client.get("/").get("Cache-Control", "")
