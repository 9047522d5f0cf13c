"""Checking a password (sign-in) and checking a session or token (every request).

`authenticate` spends the same on every attempt, whatever the name: one BatchGetItem (the operator
and the name's lockout counter), one conditional UpdateItem (reserving the attempt) and one password
hash, for a real name, an unknown one and a locked one alike; only a right password costs more (the
sign-in is recorded). `verify` is a pure check of an already-read operator item against a Claim
(accounts.credentials), so the read can be batched with others.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from accounts import credentials, lockout, selectors
from accounts.errors import AccountLocked, InvalidCredentials, LastAttemptWarning
from accounts.models import ANONYMOUS, BREAK_GLASS_USERNAME, OperatorUser, Role
from scc import clock


def is_break_glass(username):
    return username == BREAK_GLASS_USERNAME and bool(settings.ADMIN_PASS_HASH)


def role_and_hash(username, operator):
    """(role, password hash) of an operator who may sign in, or None (unknown, disabled, no password)."""
    if is_break_glass(username):
        return Role.ADMIN, settings.ADMIN_PASS_HASH
    if operator is None or operator.disabled or not operator.password_hash or not Role.has(operator.role):
        return None
    return operator.role, operator.password_hash


@dataclass(frozen=True)
class Authenticated:
    username: str
    role: str
    password_hash: str  # as stored after this sign-in (upgraded when the hasher settings changed)
    checked_hash: str  # as it was when checked
    operator: object  # the item as read (None for a break-glass admin who never signed in)


def authenticate(*, username, password):
    """Check a password; Authenticated, or raise InvalidCredentials (LastAttemptWarning when one
    attempt is left) or AccountLocked. Writes only the attempt's reservation."""
    operator, counter = selectors.sign_in_state(username)
    attempts = lockout.reserve(username, known=counter)
    if attempts is None and lockout.may_be_in_flight(counter):
        attempts = lockout.reserve_after_wait(username)
    account = role_and_hash(username, operator)
    if attempts is None or account is None:
        # One hash with the default hasher, as a checked password costs (Django's ModelBackend does
        # the same for unknown users): locked, unknown and real names take the same time.
        make_password(password)
        if attempts is None:
            raise AccountLocked()
        _refuse(attempts)
    role, stored = account
    upgraded = []
    setter = None if is_break_glass(username) else upgraded.append
    if not check_password(password, stored, setter=setter):
        _refuse(attempts)
    current = make_password(upgraded[0]) if upgraded else stored
    return Authenticated(username, role, password_hash=current, checked_hash=stored, operator=operator)


def _refuse(attempts):
    raise LastAttemptWarning() if lockout.is_last_attempt(attempts) else InvalidCredentials()


def verify(claim, operator, *, now=None):
    """The OperatorUser a Claim stands for, checked against the operator's item as read, or None.

    Good when the operator may sign in, the claim's credential id is live on the item, and its hash
    matches the current password hash (under SECRET_KEY or a fallback key). Pure: no I/O.
    """
    account = role_and_hash(claim.username, operator)
    if account is None or operator is None:
        return None
    role, password_hash = account
    expires = operator.live_sessions().get(claim.credential_id)
    if not isinstance(expires, (int, float)) or expires <= clock.epoch(now or clock.now()):
        return None
    if credentials.hash_matches(claim.auth_hash, password_hash) is None:
        return None
    return OperatorUser(claim.username, role, credential=claim)


def get_user(request, claim):
    """request.user: the operator behind the request's claim, or ANONYMOUS. One GetItem when there is a claim."""
    if claim is None:
        return ANONYMOUS
    return _user_from(request, claim, selectors.operator_for_request(claim.username))


def get_user_with(request, claim, reads):
    """request.user and other items read together, in one consistent BatchGetItem: (user, [item or
    None per read]). reads: [(model, hash key, attributes)], as scc.dynamodb.batch_get takes them."""
    operator, items = selectors.operator_for_request_with(claim.username, reads)
    return _user_from(request, claim, operator), items


def _user_from(request, claim, operator):
    user = verify(claim, operator)
    if user is None:
        return ANONYMOUS
    password_hash = role_and_hash(claim.username, operator)[1]
    if claim.kind == "session" and credentials.hash_matches(claim.auth_hash, password_hash) == "fallback":
        # Signed under a retired SECRET_KEY: re-sign it now, as Django's auth does, so the session
        # outlives the fallback key's removal.
        credentials.store_in_session(request, credentials.with_current_key(claim, password_hash))
    return user
