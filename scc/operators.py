"""Operators: the people who sign in. Stored in the operators table.

Writes are conditional UpdateItems so two Lambda instances counting failed logins
never lose a count.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from scc import clock
from scc.dynamodb import is_condition_failure
from scc.exceptions import Conflict, InvalidInput, NotFound
from scc.vocabulary import Vocabulary, register


@register("role")
class Role(Vocabulary):
    ADMIN = "admin", "Admin"  # everything
    STAFF = "staff", "Staff"  # reads pages, the audit trail and CSV; every write is refused


BREAK_GLASS_USERNAME = "admin"


class Operator(Model):
    settings_table = "OPERATORS_TABLE"

    class Meta:
        table_name = "scc-operators"

    username = UnicodeAttribute(hash_key=True)
    role = UnicodeAttribute(null=True)  # a Role
    password_hash = UnicodeAttribute(null=True)
    disabled = BooleanAttribute(default=False)
    failed_logins = NumberAttribute(default=0)  # a count, not money: ints round-trip exactly
    locked_until = UnicodeAttribute(null=True)  # scc.clock format
    created_at = UnicodeAttribute(null=True)


class InvalidOperator(InvalidInput):
    pass


class OperatorExists(Conflict):
    pass


class OperatorNotFound(NotFound):
    pass


@dataclass(frozen=True)
class Principal:
    """Who is acting: an operator from the table or the break-glass admin."""

    username: str
    role: str
    password_hash: str

    @property
    def is_admin(self):
        return self.role == Role.ADMIN


def validate_username(username):
    if not username or len(username) > 64 or not username.replace("-", "").replace(".", "").replace("_", "").isalnum():
        raise InvalidOperator("Username must be 1-64 letters, digits, '.', '-' or '_'.")


def validate_password(password):
    if len(password) < 10:
        raise InvalidOperator("Password must be at least 10 characters.")


# What deciding "is this principal current" needs; the lockout fields matter only at sign-in.
PRINCIPAL_ATTRIBUTES = ["username", "role", "password_hash", "disabled"]


def get_operator(username, *, attributes=None):
    try:
        return Operator.get(username, consistent_read=True, attributes_to_get=attributes)
    except DoesNotExist:
        return None


_NOT_LOADED = object()


def principal_for(username, operator=_NOT_LOADED):
    """The active principal for a username, or None (unknown, disabled, no password).

    Pass `operator` when it is already loaded (None when there is no such operator), to save a read.
    """
    if username == BREAK_GLASS_USERNAME and settings.ADMIN_PASS_HASH:
        return Principal(username, Role.ADMIN, settings.ADMIN_PASS_HASH)
    if operator is _NOT_LOADED:
        operator = get_operator(username, attributes=PRINCIPAL_ATTRIBUTES)
    if operator is None or operator.disabled or not operator.password_hash or not Role.has(operator.role):
        return None
    return Principal(operator.username, operator.role, operator.password_hash)


def add_operator(*, username, role, password):
    validate_username(username)
    validate_password(password)
    if not Role.has(role):
        raise InvalidOperator(f"Role must be one of {', '.join(Role)}.")
    operator = Operator(
        username,
        role=role,
        password_hash=make_password(password),
        disabled=False,
        failed_logins=0,
        created_at=clock.now_iso(),
    )
    try:
        # A brand-new item: PutItem guarded so an existing operator is never replaced.
        operator.save(condition=Operator.username.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            raise OperatorExists(f"Operator {username!r} already exists.") from exc
        raise
    return operator


def _update_existing(username, actions):
    try:
        Operator(username).update(actions=actions, condition=Operator.username.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise OperatorNotFound(f"No operator named {username!r}.") from exc
        raise


def set_password(*, username, password):
    validate_password(password)
    _update_existing(
        username,
        [
            Operator.password_hash.set(make_password(password)),
            Operator.failed_logins.set(0),
            Operator.locked_until.remove(),
        ],
    )


def set_disabled(*, username, disabled=True):
    _update_existing(username, [Operator.disabled.set(disabled)])


def list_operators():
    # The table also holds rate-limit counters (scc.ratelimit); they have no role.
    return sorted((op for op in Operator.scan() if Role.has(op.role)), key=lambda op: op.username)


# Lockout -------------------------------------------------------------------


def lock_end(operator):
    """When the operator's lock ends, or None if it is not locked now."""
    if operator is None or not operator.locked_until:
        return None
    until = clock.parse(operator.locked_until)
    return until if until is not None and until > clock.now() else None


def record_failed_login(username):
    """Count one failure (atomically); lock the account when the count reaches the limit.

    Unknown usernames are not counted (no item is made for them), except the
    break-glass admin, whose counter lives in an item of its own name.
    """
    is_break_glass = username == BREAK_GLASS_USERNAME and bool(settings.ADMIN_PASS_HASH)
    condition = None if is_break_glass else Operator.username.exists()
    operator = Operator(username)
    try:
        operator.update(actions=[Operator.failed_logins.add(1)], condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return
        raise
    if operator.failed_logins >= settings.LOGIN_MAX_FAILURES:
        until = clock.now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        operator.update(actions=[Operator.locked_until.set(clock.iso(until)), Operator.failed_logins.set(0)])


def clear_failed_logins(operator):
    if operator is not None and (operator.failed_logins or operator.locked_until):
        operator.update(actions=[Operator.failed_logins.set(0), Operator.locked_until.remove()])
