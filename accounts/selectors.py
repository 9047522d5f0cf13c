"""Reads of the operators and counters tables."""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from accounts import lockout
from accounts.models import Counter, Operator, Role
from scc import clock
from scc.dynamodb import batch_get

# What deciding "is this session or token still good" needs (accounts.backends.verify).
AUTH_ATTRIBUTES = ["username", "role", "password_hash", "disabled", "sessions"]
# What changing an operator needs (accounts.services).
CHANGE_ATTRIBUTES = [*AUTH_ATTRIBUTES, "pinned_until", "pinned_by", "last_login_at", "created_at"]
LIST_ATTRIBUTES = ["username", "role", "disabled", "last_login_at", "created_at"]
COUNTER_ATTRIBUTES = ["key", "hits", "last_hit", "expires_at"]


def get_operator(username, *, attributes=None):
    """The operators-table item (consistent read), or None."""
    try:
        return Operator.get(username, consistent_read=True, attributes_to_get=attributes)
    except DoesNotExist:
        return None


def operator_for_request(username):
    """The item a session or token of `username` is checked against: one consistent GetItem."""
    return get_operator(username, attributes=AUTH_ATTRIBUTES)


def operator_for_request_with(username, reads):
    """The item a session or token of `username` is checked against, and other items (reads:
    [(model, hash key, attributes)]), in one consistent BatchGetItem: (operator or None, [item or None])."""
    operator, *items = batch_get([(Operator, username, AUTH_ATTRIBUTES), *reads])
    return operator, items


def sign_in_state(username):
    """(operator item or None, lockout counter or None) in one BatchGetItem."""
    operator, counter = batch_get(
        [
            (Operator, username, AUTH_ATTRIBUTES),
            (Counter, lockout.counter_key(username), COUNTER_ATTRIBUTES),
        ]
    )
    return operator, counter


@dataclass(frozen=True)
class OperatorRow:
    username: str
    role: str
    disabled: bool
    locked_until: datetime | None
    last_login_at: str | None
    created_at: str | None

    @property
    def is_admin(self):
        return self.role == Role.ADMIN


def _rows(operators):
    counters = batch_get([(Counter, lockout.counter_key(op.username), COUNTER_ATTRIBUTES) for op in operators])
    return [
        OperatorRow(
            username=op.username,
            role=op.role,
            disabled=bool(op.disabled),
            locked_until=lockout.locked_until(counter),
            last_login_at=op.last_login_at,
            created_at=op.created_at,
        )
        for op, counter in zip(operators, counters, strict=True)
    ]


def list_operators():
    """Every operator (items with a role; never the break-glass admin's session item), by username,
    with their lock state: one Scan and one BatchGetItem per 100 operators. Never the hash."""
    operators = [
        op for op in Operator.scan(consistent_read=True, attributes_to_get=LIST_ATTRIBUTES) if Role.has(op.role)
    ]
    operators.sort(key=lambda op: op.username)
    return _rows(operators) if operators else []


def operator_row(username):
    operator = get_operator(username, attributes=LIST_ATTRIBUTES)
    if operator is None or not Role.has(operator.role):
        return None
    return _rows([operator])[0]


@dataclass(frozen=True)
class OperatorAuditEntry:
    """A change to the operator `username`, made by `operator`."""

    at: str
    moment: datetime | None
    operator: str
    action: str
    username: str
    detail: str


def operator_audit_entries():
    """Every operator change ever recorded (stored on each operator's own item), in table order."""
    for op in Operator.scan(attributes_to_get=["username", "audit"]):
        for entry in op.audit or []:
            yield OperatorAuditEntry(
                at=entry.at or "",
                moment=clock.parse(entry.at),
                operator=entry.operator or "",
                action=entry.action or "",
                username=op.username,
                detail=entry.detail or "",
            )
