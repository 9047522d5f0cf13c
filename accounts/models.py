"""Operators (who signs in), their counters, and the user objects views see as `request.user`.

Two tables of our own:
- operators (`SCC_OPERATORS_TABLE`, key `username`): role, password hash, status, the ids of the
  live sessions and tokens with their expiry (`sessions`), the last sign-in, and the operator's own
  audit trail (`audit`, appended in the same UpdateItem as each change).
- counters (`SCC_COUNTERS_TABLE`, default `<operators table>-counters`, key `key`): sign-in
  lockouts and rate limits, each with an `expires_at` that DynamoDB's TTL deletes by itself.
"""

from dataclasses import dataclass

from django.conf import settings
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from scc.vocabulary import Vocabulary, register


@register("role")
class Role(Vocabulary):
    ADMIN = "admin", "Admin"  # everything
    STAFF = "staff", "Staff"  # reads pages, the audit trail and CSV; every write is refused


# With ADMIN_PASS_HASH set, this name is the break-glass admin (the old system's); its live session
# ids are kept in an operators-table item of this name, which has no role and is never listed.
BREAK_GLASS_USERNAME = "admin"


class OperatorAuditEntry(MapAttribute):
    """One change to an operator: when, by whom, what (never a password or a hash)."""

    at = UnicodeAttribute()  # scc.clock format
    operator = UnicodeAttribute()  # who made the change
    action = UnicodeAttribute()  # an AuditAction: operator.added / operator.updated
    detail = UnicodeAttribute(null=True)


class Operator(Model):
    settings_table = "OPERATORS_TABLE"

    class Meta:
        table_name = "scc-operators"

    username = UnicodeAttribute(hash_key=True)
    role = UnicodeAttribute(null=True)  # a Role
    password_hash = UnicodeAttribute(null=True)  # Django's hasher format
    disabled = BooleanAttribute(default=False)
    created_at = UnicodeAttribute(null=True)
    last_login_at = UnicodeAttribute(null=True)
    # {credential id: expiry, epoch seconds}: the sessions and tokens that still work.
    sessions = MapAttribute(null=True)
    audit = ListAttribute(of=OperatorAuditEntry, null=True)
    # Held by an admin while it vouches for another admin's demotion (accounts.services).
    pinned_until = NumberAttribute(null=True)  # epoch seconds
    pinned_by = UnicodeAttribute(null=True)

    @property
    def is_enabled_admin(self):
        return self.role == Role.ADMIN and not self.disabled

    def live_sessions(self):
        """{credential id: expiry} as stored (expired ones included until the next write prunes them)."""
        return self.sessions.as_dict() if self.sessions is not None else {}


class Counter(Model):
    """A count that forgets itself: read as absent once `expires_at` has passed (DynamoDB's TTL deletes
    expired items only eventually, up to days later)."""

    settings_table = "COUNTERS_TABLE"

    class Meta:
        table_name = "scc-operators-counters"

    key = UnicodeAttribute(hash_key=True)  # "login#<username>", "rate#<bucket>#<client>"
    hits = NumberAttribute(null=True)  # a count, not money: ints round-trip exactly
    last_hit = NumberAttribute(null=True)  # epoch milliseconds of the last counted hit
    expires_at = TTLAttribute(null=True)

    @staticmethod
    def default_table_name():
        return f"{settings.OPERATORS_TABLE}-counters"


# The user objects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorUser:
    """A signed-in operator, as `request.user`. `credential` is the session or token they came with
    (None when the object was made for a command or a test)."""

    username: str
    role: str
    credential: object = None

    is_authenticated = True
    is_anonymous = False

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def has_role(self, role):
        """Whether this operator may do what `role` may: an admin may do everything staff may."""
        return self.is_admin or role == self.role

    @property
    def uses_token(self):
        """Signed in with a Bearer token (no cookie, so no CSRF check) rather than a session."""
        return getattr(self.credential, "kind", None) == "token"


class AnonymousUser:
    username = ""
    role = None
    credential = None
    is_authenticated = False
    is_anonymous = True
    is_admin = False
    uses_token = False

    def has_role(self, role):
        return False

    def __str__(self):
        return "AnonymousUser"


ANONYMOUS = AnonymousUser()


@dataclass(frozen=True)
class SystemActor:
    """Who acts when no operator does (the `operators` management command), as the audit names it."""

    username: str
    role: str = Role.ADMIN
    is_authenticated = True
    is_admin = True
    credential = None


COMMAND_LINE = SystemActor("(command line)")
