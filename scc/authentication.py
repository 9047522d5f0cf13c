"""Checking credentials and remembering who is signed in (session or Bearer token).

A session or token carries the username and a fingerprint of the password hash;
every request reloads the operator, so disabling an operator or changing the
password ends existing sessions and tokens at once.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing

from scc import clock, operators, ratelimit
from scc.exceptions import NotAuthenticated, Throttled

SESSION_KEY = "scc_operator"
TOKEN_SALT = "scc.api-token"


class InvalidCredentials(NotAuthenticated):
    message = "Invalid username or password."


class AccountLocked(Throttled):
    message = "Too many failed sign-in attempts. Try again in 15 minutes."

    def __init__(self, until):
        super().__init__()
        self.until = until


def authenticate(*, username, password):
    """The Principal for these credentials, or raise InvalidCredentials / AccountLocked."""
    operator = operators.get_operator(username) if username else None
    until = operators.lock_end(operator)
    if until is not None:
        raise AccountLocked(until)
    principal = operators.principal_for(username, operator) if username else None
    if principal is None:
        # One hash with the default hasher, as a wrong password costs (Django's ModelBackend does the
        # same); a cached dummy hash made the first unknown-user attempt of each process cost two.
        make_password(password)
        if username and not _unknown_username_attempt_allowed(username):
            raise AccountLocked(None)
        raise InvalidCredentials()
    if not check_password(password, principal.password_hash):
        operators.record_failed_login(username)
        raise InvalidCredentials()
    operators.clear_failed_logins(operator)
    return principal


def _unknown_username_attempt_allowed(username):
    # Unknown usernames "lock" after the same number of failures as real accounts, so the
    # answers never tell whether a username exists. Counted like rate limits, in DynamoDB.
    return ratelimit.allow(
        bucket="login",
        client=username,
        limit=settings.LOGIN_MAX_FAILURES,
        window_seconds=settings.LOGIN_LOCKOUT_SECONDS,
    )


def fingerprint(principal):
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, principal.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def _principal_if_current(username, expected_fingerprint):
    principal = operators.principal_for(username)
    if principal is None or not hmac.compare_digest(fingerprint(principal), expected_fingerprint or ""):
        return None
    return principal


# Sessions --------------------------------------------------------------------


def login(request, principal):
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"u": principal.username, "f": fingerprint(principal)}
    request._scc_principal = principal


def logout(request):
    request.session.flush()
    request._scc_principal = None


def principal_from_session(request):
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    return _principal_if_current(data.get("u"), data.get("f"))


# Tokens ----------------------------------------------------------------------


def make_token(principal):
    """A signed Bearer token and the moment it expires."""
    token = signing.dumps({"u": principal.username, "f": fingerprint(principal)}, salt=TOKEN_SALT)
    expires_at = clock.now() + timedelta(seconds=settings.API_TOKEN_MAX_AGE)
    return token, expires_at


def principal_from_token(token):
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=settings.API_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return _principal_if_current(data.get("u"), data.get("f"))


def bearer_token(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# The request's principal -----------------------------------------------------


def get_principal(request):
    """The signed-in Principal for this request (Bearer token first, then session), or None.

    Loaded once per request; a Bearer request never falls back to the session.
    """
    if not hasattr(request, "_scc_principal"):
        token = bearer_token(request)
        request.is_bearer = token is not None
        if token is not None:
            request._scc_principal = principal_from_token(token)
        else:
            request._scc_principal = principal_from_session(request)
    return request._scc_principal
