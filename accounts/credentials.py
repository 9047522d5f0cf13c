"""Sessions and Bearer tokens: what they carry, and reading who a request claims to be (no I/O).

A session (in the signed session cookie) and a token (Django's signing, 12 hours) carry the same
claim: the username, a random credential id, and a keyed hash of the operator's password hash
(Django's `salted_hmac`, as `AbstractBaseUser.get_session_auth_hash` does). Whether the claim is
still good is decided against the operator's item (accounts.backends.verify): the id must be among
the operator's live credentials and the hash must match the current password hash under
`SECRET_KEY` or one of `SECRET_KEY_FALLBACKS`.
"""

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from scc import clock

SESSION_KEY = "_auth"
TOKEN_SALT = "accounts.api-token"
AUTH_HASH_SALT = "accounts.OperatorUser.auth_hash"


@dataclass(frozen=True)
class Claim:
    """Who a session or token says it is. `kind`: "session" or "token"."""

    kind: str
    username: str
    credential_id: str
    auth_hash: str


def auth_hash(password_hash, *, secret=None):
    return salted_hmac(AUTH_HASH_SALT, password_hash, secret=secret, algorithm="sha256").hexdigest()


def hash_matches(claimed, password_hash):
    """ "current" when `claimed` was made with SECRET_KEY, "fallback" with a key of SECRET_KEY_FALLBACKS,
    else None."""
    if not password_hash or not isinstance(claimed, str):
        return None
    if constant_time_compare(claimed, auth_hash(password_hash)):
        return "current"
    for key in settings.SECRET_KEY_FALLBACKS:
        if constant_time_compare(claimed, auth_hash(password_hash, secret=key)):
            return "fallback"
    return None


def new_claim(kind, *, username, password_hash):
    return Claim(kind, username, secrets.token_urlsafe(18), auth_hash(password_hash))


def lifetime(kind):
    seconds = settings.API_TOKEN_MAX_AGE if kind == "token" else settings.SESSION_COOKIE_AGE
    return timedelta(seconds=seconds)


def expiry(kind, *, now=None):
    return (now or clock.now()) + lifetime(kind)


def _payload(claim):
    return {"u": claim.username, "c": claim.credential_id, "h": claim.auth_hash}


def _claim(kind, payload):
    if not isinstance(payload, dict):
        return None
    values = [payload.get(name) for name in ("u", "c", "h")]
    if not all(isinstance(value, str) and value for value in values):
        return None
    return Claim(kind, *values)


# Sessions -------------------------------------------------------------------------------------


def store_in_session(request, claim):
    request.session[SESSION_KEY] = _payload(claim)


def with_current_key(claim, password_hash):
    """The claim re-hashed under the current SECRET_KEY (after it was checked under a fallback)."""
    return replace(claim, auth_hash=auth_hash(password_hash))


# Tokens ---------------------------------------------------------------------------------------


def make_token(claim):
    return signing.dumps(_payload(claim), salt=TOKEN_SALT)


def read_token(token):
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=settings.API_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return _claim("token", payload)


def bearer_token(request):
    """The token of an `Authorization: Bearer <token>` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# Who the request claims to be -------------------------------------------------------------------


def identify(request):
    """The request's Claim (a Bearer token first, else the session), or None. No I/O: a token is
    checked for its signature and age only; a request with a Bearer header never falls back to the
    session."""
    token = bearer_token(request)
    if token is not None:
        return read_token(token)
    return _claim("session", request.session.get(SESSION_KEY))
