"""The role matrix, complete by construction: every URL pattern must have a row here."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import services
from accounts.models import COMMAND_LINE
from tests.conftest import add_operator, expired, signed_in_client, token_for
from tests.factories import event_item, patron

CALLERS = ["anonymous", "staff", "admin", "disabled", "expired_token", "tampered_token"]
LOGIN_REDIRECT = 302
JSON = "application/json"
# An authorized caller with this body gets past the role check and fails validation.
INVALID_JSON = "{}"

# url name -> (method, path, body, {caller: expected status})
PAGE = {"anonymous": LOGIN_REDIRECT, "staff": 200, "admin": 200}
ADMIN_PAGE = {"anonymous": LOGIN_REDIRECT, "staff": 403, "admin": 200}
# An admin's empty form POST: the page again, saying what is missing.
ADMIN_FORM = {"anonymous": LOGIN_REDIRECT, "staff": 403, "admin": 400}
STAFF_API = {"anonymous": 401, "staff": 200, "admin": 200}
ADMIN_API = {"anonymous": 401, "staff": 403, "admin": 400}
PUBLIC = {"anonymous": 200, "staff": 200, "admin": 200}

ROWS = {
    # A signed-in operator opening the sign-in page is sent on.
    "login": ("GET", "/login/", None, {"anonymous": 200, "staff": 302, "admin": 302}),
    "logout": ("POST", "/logout/", None, {"anonymous": 302, "staff": 302, "admin": 302}),
    "api-login": ("POST", "/api/login", INVALID_JSON, {"anonymous": 400, "staff": 400, "admin": 400}),
    "api-logout": ("POST", "/api/logout", None, {"anonymous": 401, "staff": 200, "admin": 200}),
    "account": ("GET", "/account/", None, PAGE),
    "account-password": ("POST", "/account/password/", None, {"anonymous": LOGIN_REDIRECT, "staff": 400, "admin": 400}),
    "account-sign-out-everywhere": (
        "POST",
        "/account/sign-out-everywhere/",
        None,
        {"anonymous": LOGIN_REDIRECT, "staff": 302, "admin": 302},
    ),
    "operators": ("GET", "/operators/", None, ADMIN_PAGE),
    "operator-role": ("POST", "/operators/sam/role/", None, ADMIN_FORM),
    # A button with nothing to fill in: an admin's POST does it (the target is the "victim" operator).
    "operator-disable": ("POST", "/operators/victim/disable/", None, {**ADMIN_FORM, "admin": 302}),
    "operator-enable": ("POST", "/operators/victim/enable/", None, {**ADMIN_FORM, "admin": 302}),
    "operator-unlock": ("POST", "/operators/victim/unlock/", None, {**ADMIN_FORM, "admin": 302}),
    "operator-password": ("GET", "/operators/sam/password/", None, ADMIN_PAGE),
    "api-operators": ("GET", "/api/operators", None, {"anonymous": 401, "staff": 403, "admin": 200}),
    "api-operator": ("PATCH", "/api/operators/sam", INVALID_JSON, ADMIN_API),
    "healthz": ("GET", "/healthz", None, PUBLIC),
    "api-openapi": ("GET", "/api/openapi.json", None, PUBLIC),
    "dispatch": ("GET", "/", None, PAGE),
    "event-detail": ("GET", "/events/ev-1/", None, PAGE),
    "roster-csv": ("GET", "/events/ev-1/roster.csv", None, PAGE),
    "api-event": ("GET", "/api/events/ev-1", None, STAFF_API),
    "api-payment-log": ("POST", "/api/payment-log", INVALID_JSON, ADMIN_API),
    "api-payment-notify": ("POST", "/api/payment-notify", INVALID_JSON, ADMIN_API),
    "api-payment-void": ("POST", "/api/payment-void", INVALID_JSON, ADMIN_API),
    "api-payment-refund": ("POST", "/api/payment-refund", INVALID_JSON, ADMIN_API),
    "api-roster-add": ("POST", "/api/roster-add", INVALID_JSON, ADMIN_API),
    "api-roster-update": ("POST", "/api/roster-update", INVALID_JSON, ADMIN_API),
    "api-roster-cancel": ("POST", "/api/roster-cancel", INVALID_JSON, ADMIN_API),
    "api-roster-checkin": ("POST", "/api/roster-checkin", INVALID_JSON, ADMIN_API),
    "audit": ("GET", "/audit/", None, PAGE),
    "audit-csv": ("GET", "/audit.csv", None, PAGE),
    "waiver": ("GET", "/g/ev-1/waiver", None, PUBLIC),
}

# The back office's events: a name may also carry its other methods ("name METHOD"). Staff may look
# at an event's settings read-only (as Django's admin shows a view-only change form), never write.
ADMIN_PAGE = {"anonymous": LOGIN_REDIRECT, "staff": 403, "admin": 200}
ADMIN_FORM_POST = {"anonymous": LOGIN_REDIRECT, "staff": 403, "admin": 400}
ROWS.update(
    {
        "event-new": ("GET", "/events/new/", None, ADMIN_PAGE),
        "event-new POST": ("POST", "/events/new/", None, ADMIN_FORM_POST),
        "event-edit": ("GET", "/events/ev-1/edit/", None, PAGE),
        "event-edit POST": ("POST", "/events/ev-1/edit/", None, ADMIN_FORM_POST),
        "api-events": ("POST", "/api/events", INVALID_JSON, ADMIN_API),
        "api-event PATCH": ("PATCH", "/api/events/ev-1", INVALID_JSON, ADMIN_API),
    }
)


def expected_for(row, caller):
    expected = row[3]
    if caller in expected:
        return expected[caller]
    # Disabled operators and bad tokens are anonymous.
    return expected["anonymous"]


def url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.name


def test_every_url_has_a_row():
    names = set(url_names())
    assert None not in names, "every URL pattern needs a name"
    rows = {key.split()[0] for key in ROWS}
    assert names - rows == set(), "URLs without a role-matrix row"
    assert rows - names == set(), "rows for URLs that no longer exist"


@pytest.fixture
def callers(admin_user, staff_user, raw_table):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada", "ada@example.com")]))
    add_operator("gone", "admin")
    add_operator("victim", "staff")
    disabled = signed_in_client("gone")
    services.update_operator(actor=COMMAND_LINE, username="gone", disabled=True)
    old_token = expired(token_for(admin_user))
    return {
        "anonymous": lambda: Client(),
        "staff": lambda: signed_in_client(staff_user),
        "admin": lambda: signed_in_client(admin_user),
        "disabled": lambda: disabled,
        "expired_token": lambda: Client(HTTP_AUTHORIZATION=f"Bearer {old_token}"),
        "tampered_token": lambda: Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)[:-4]}AAAA"),
    }


@pytest.mark.parametrize("name", sorted(ROWS))
def test_role_matrix(callers, name):
    method, path, body, _ = ROWS[name]
    for caller in CALLERS:
        client = callers[caller]()
        if method == "GET":
            response = client.get(path)
        elif method == "PATCH":
            response = client.patch(path, body, content_type=JSON)
        elif body is None:
            response = client.generic(method, path)
        else:
            response = client.generic(method, path, body, content_type=JSON)
        expected = expected_for(ROWS[name], caller)
        assert response.status_code == expected, (name, caller, response.status_code)
        signed_in = caller in ("staff", "admin")  # their 302s are successes (sent on, signed out)
        if expected == LOGIN_REDIRECT and not signed_in and name != "logout":
            assert response["Location"].startswith("/login/?next=")
