"""The existing events table, as PynamoDB sees it.

The table is shared with other software: never `save()` an Event that exists
(PutItem drops attributes this model does not define). Write through events.writes.update
(one UpdateItem with actions and a condition, e.g. `Event.event_id.exists()`).

The models define the table and serialize what the app writes. The app never reads an item
into them: PynamoDB refuses a whole item over one value of another type, and other software
writes what it likes. Reads go through events.items, which reads what it can of each value.
"""

from decimal import Decimal

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.models import Model

from scc.attributes import DecimalAttribute
from scc.vocabulary import Vocabulary, register

CENT = Decimal("0.01")


def money(value):
    """Decimal rounded to cents; DynamoDB gives back 12.30 as 12.3."""
    return Decimal(value).quantize(CENT)


@register("record_kind")
class RecordKind(Vocabulary):
    """What a ledger record is. Legacy records have no kind and count as payments."""

    PAYMENT = "payment", "Payment"
    VOID = "void", "Void"  # negative; `voids` names the voided payment
    REFUND = "refund", "Refund"  # negative; `refunds` names the refunded payment


@register("payment_method")
class PaymentMethod(Vocabulary):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    CHECK = "check", "Check"
    VENMO = "venmo", "Venmo"
    ZELLE = "zelle", "Zelle"
    OTHER = "other", "Other"


class Patron(MapAttribute):
    patron_id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    waiver_signed_at = UnicodeAttribute(null=True)
    checked_in_at = UnicodeAttribute(null=True)
    cancelled_at = UnicodeAttribute(null=True)  # a cancelled patron stays on the roster, no longer expected to pay
    cancel_reason = UnicodeAttribute(null=True)


class PaymentRecord(MapAttribute):
    """One ledger entry. Legacy records carry only timestamp, operator, amount, notes, email_sent."""

    payment_id = UnicodeAttribute(null=True)
    timestamp = UnicodeAttribute(null=True)
    operator = UnicodeAttribute(null=True)
    patron_id = UnicodeAttribute(null=True)
    amount = DecimalAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    email_sent = BooleanAttribute(null=True)
    email_sent_at = UnicodeAttribute(null=True)
    # When a confirmation send was claimed (payments.services.notify_payment); removed once sent or failed.
    email_claimed_at = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)  # a RecordKind; absent on legacy records
    method = UnicodeAttribute(null=True)  # a PaymentMethod; absent on old records
    voids = UnicodeAttribute(null=True)
    refunds = UnicodeAttribute(null=True)

    @property
    def is_legacy(self):
        return self.kind is None and self.payment_id is None

    @property
    def is_void(self):
        return self.kind == RecordKind.VOID

    @property
    def amount_money(self):
        return money(self.amount or 0)


class AuditEntry(MapAttribute):
    at = UnicodeAttribute()
    operator = UnicodeAttribute()
    action = UnicodeAttribute()  # an AuditAction (other software may write codes of its own)
    payment_id = UnicodeAttribute(null=True)
    patron_id = UnicodeAttribute(null=True)
    amount = DecimalAttribute(null=True)
    detail = UnicodeAttribute(null=True)


# The event fields the app owns and edits (the back office); every other attribute of an item is
# left as it is, whoever wrote it.
EVENT_FIELDS = ("title", "starts_at", "location", "price", "capacity", "waiver_text")


class Event(Model):
    settings_table = "EVENTS_TABLE"

    @classmethod
    def from_stored(cls, raw):
        """The item as events.items reads it (whatever its shape), for reads outside events.selectors."""
        from events.items import read_event  # items builds on this module

        return read_event(raw)

    class Meta:
        table_name = "scc-events"

    event_id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute(null=True)
    location = UnicodeAttribute(null=True)
    starts_at = UnicodeAttribute(null=True)  # ISO 8601 with offset
    price = DecimalAttribute(null=True)
    waiver_text = UnicodeAttribute(null=True)
    capacity = DecimalAttribute(null=True)  # most patrons the event takes (app-owned; 1-500)
    version = DecimalAttribute(null=True)  # bumped by every edit of the app-owned fields; absent = 0
    roster = ListAttribute(of=Patron, null=True)
    payments = ListAttribute(of=PaymentRecord, null=True)
    payment_ids = UnicodeSetAttribute(null=True)
    roster_emails = UnicodeSetAttribute(null=True)
    audit = ListAttribute(of=AuditEntry, null=True)

    @property
    def version_number(self):
        """The edit version as an int: 0 when absent (items other software created, or older ones)."""
        return int(self.version or 0)

    @property
    def capacity_number(self):
        """The capacity as an int, or None when the event sets none."""
        return None if self.capacity is None else int(self.capacity)
