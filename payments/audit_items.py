"""What the audit trail reads of an event item, as msgspec types that DynamoDB's JSON decodes into.

The shapes follow DynamoDB's JSON (`{"audit": {"L": [{"M": {"at": {"S": ...}}}]}}`), and only the
fields declared here are built: the decoder skips the rest of the response without making Python
objects of it. Every value is optional and typed by DynamoDB's own tags (S and N are strings, L a
list, M a map), so an item other software wrote, with attributes missing or of another type,
still decodes: what is not there, or not of the expected type, reads as None. `gc=False`: these
are never part of a reference cycle, and the garbage collector need not walk tens of thousands
of them on every pass.

Imported only when the audit reads the table (payments.selectors), so that msgspec stays off the
cold start of every other request. The Scan projects `payments.selectors.AUDIT_ATTRIBUTES`, the
fields of `AuditItem`.
"""

import msgspec

_NONE = msgspec.Raw()  # empty: not there (Raw cannot be in a union with None)


class Value(msgspec.Struct, frozen=True, gc=False):
    """A scalar attribute: text in S, a number in N (as DynamoDB's decimal string).

    DynamoDB's other types are kept undecoded (msgspec.Raw: the bytes are not parsed), only so a
    value of another type tells itself apart from an absent one: `is_other` (events.items then
    shows the record as unreadable, as every other read path does)."""

    S: str | None = None
    N: str | None = None
    B: msgspec.Raw = _NONE
    BOOL: msgspec.Raw = _NONE
    NULL: msgspec.Raw = _NONE
    M: msgspec.Raw = _NONE
    L: msgspec.Raw = _NONE
    SS: msgspec.Raw = _NONE
    NS: msgspec.Raw = _NONE
    BS: msgspec.Raw = _NONE

    @property
    def is_other(self):
        """Present, but neither text nor a number."""
        return self.S is None and self.N is None and any(getattr(self, tag) for tag in _OTHER_TAGS)


_OTHER_TAGS = ("B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")


ABSENT = Value()


class Patron(msgspec.Struct, frozen=True, gc=False):
    patron_id: Value = ABSENT
    name: Value = ABSENT


class Record(msgspec.Struct, frozen=True, gc=False):
    """A ledger record (what the audit reads of it); legacy records carry only timestamp, operator, amount
    and notes."""

    payment_id: Value = ABSENT
    timestamp: Value = ABSENT
    operator: Value = ABSENT
    patron_id: Value = ABSENT
    amount: Value = ABSENT
    notes: Value = ABSENT
    kind: Value = ABSENT
    method: Value = ABSENT

    @property
    def is_legacy(self):
        return self.kind.S is None and self.payment_id.S is None


class Entry(msgspec.Struct, frozen=True, gc=False):
    at: Value = ABSENT
    operator: Value = ABSENT
    action: Value = ABSENT
    payment_id: Value = ABSENT
    patron_id: Value = ABSENT
    amount: Value = ABSENT
    detail: Value = ABSENT


class PatronMap(msgspec.Struct, frozen=True, gc=False):
    M: Patron | None = None


class RecordMap(msgspec.Struct, frozen=True, gc=False):
    M: Record | None = None


class EntryMap(msgspec.Struct, frozen=True, gc=False):
    M: Entry | None = None


class Roster(msgspec.Struct, frozen=True, gc=False):
    L: tuple[PatronMap, ...] = ()


class Payments(msgspec.Struct, frozen=True, gc=False):
    L: tuple[RecordMap, ...] = ()


class Audit(msgspec.Struct, frozen=True, gc=False):
    L: tuple[EntryMap, ...] = ()


class AuditItem(msgspec.Struct, frozen=True, gc=False):
    """An event as the audit reads it."""

    event_id: Value = ABSENT
    title: Value = ABSENT
    roster: Roster = Roster()
    payments: Payments = Payments()
    audit: Audit = Audit()
