"""The money rule: totals and per-patron balances from ledger records, however they were read.

`reckon()` is the one place that adds money up. It takes the roster and the records as
events.items reads them (PatronItem, RecordItem), so every page, card and JSON answer counts the
same way; what cannot be read is left out and counted (`Totals.unreadable`). Pure functions, no I/O.

The rule: amounts are cents (`money`); a void or refund is a negative record, so `paid` is
net of them; legacy records (no kind, no patron) count as payments of the event, in a row of
their own (they belong to no patron's balance); `expected` = price x patrons not cancelled when
the event has a price, else None; `outstanding` = expected - paid (negative: overpaid).

Per patron the same rule: a patron's `expected` is the price, or 0 once the booking is cancelled
(what they paid then shows as overpaid: money to refund). Roster rows' expected add up to the
event's; their nets plus the rows of records without a roster patron add up to its paid.
What is left of a payment (`left_of`) is computed from the records too, never stored apart.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from events.models import RecordKind, money
from scc import clock

ZERO = Decimal("0.00")
LEGACY_ROW_NAME = "No patron recorded (legacy)"


@dataclass(frozen=True)
class Totals:
    paid: Decimal
    expected: Decimal | None
    outstanding: Decimal | None
    unreadable: int = 0  # records and roster entries left out because they cannot be read (events.items)

    def as_json(self):
        data = {
            "paid": str(self.paid),
            "expected": None if self.expected is None else str(self.expected),
            "outstanding": None if self.outstanding is None else str(self.outstanding),
        }
        if self.unreadable:
            data["unreadable_records"] = self.unreadable
        return data


@dataclass(frozen=True)
class PatronBalance:
    patron_id: str | None
    name: str
    paid: Decimal  # payments (and records of kinds the app does not know)
    voided: Decimal  # positive: what voids took back
    refunded: Decimal  # positive: what refunds gave back
    expected: Decimal | None
    cancelled: bool = False
    on_roster: bool = True

    @property
    def net(self):
        return self.paid - self.voided - self.refunded

    @property
    def outstanding(self):
        return None if self.expected is None else self.expected - self.net

    @property
    def owed(self):
        """What the patron still owes (never negative); None without a price."""
        outstanding = self.outstanding
        return None if outstanding is None else max(outstanding, ZERO)

    @property
    def overpaid(self):
        """How much more than expected the patron paid (positive), or None when not overpaid."""
        outstanding = self.outstanding
        return -outstanding if outstanding is not None and outstanding < 0 else None


class _Sums:
    __slots__ = ("paid", "voided", "refunded")

    def __init__(self):
        self.paid = self.voided = self.refunded = ZERO

    def add(self, kind, amount):
        if kind == RecordKind.VOID:
            self.voided -= amount
        elif kind == RecordKind.REFUND:
            self.refunded -= amount
        else:
            self.paid += amount


def _amount(record):
    amount = record.amount
    return ZERO if amount is None else money(amount)


class Reckoning:
    """One event's money: `totals` at once, the per-patron `balances` when asked for (pages, not cards).

    Records whose money cannot be read, and roster entries without a readable id or booking state,
    are left out and counted in `totals.unreadable`: never added as 0 without saying so.
    """

    def __init__(self, *, price, patrons, records):
        self._price = None if price is None else money(price)
        self._patrons = [patron for patron in patrons if patron.readable]
        self._records = [record for record in records if record.counts]
        unreadable = len(records) - len(self._records) + sum(1 for patron in patrons if not patron.readable)
        paid = money(sum((_amount(record) for record in self._records), ZERO))
        active = sum(1 for patron in self._patrons if not is_cancelled(patron))
        expected = None if self._price is None else money(self._price * active)
        outstanding = None if expected is None else expected - paid
        self.totals = Totals(paid=paid, expected=expected, outstanding=outstanding, unreadable=unreadable)

    @cached_property
    def balances(self):
        """One row per roster patron, then one per patron id the roster lacks, then legacy records.

        Every record lands in exactly one row, so the rows' nets add up to `totals.paid`.
        """
        sums = {}
        for record in self._records:
            row = sums.get(record.patron_id)
            if row is None:
                row = sums[record.patron_id] = _Sums()
            row.add(record.kind, _amount(record))
        rows = []
        for patron in self._patrons:
            row = sums.pop(patron.patron_id, None) or _Sums()
            name = patron.name or patron.patron_id
            cancelled = is_cancelled(patron)
            expected = None if self._price is None else (ZERO if cancelled else self._price)
            rows.append(
                PatronBalance(patron.patron_id, name, row.paid, row.voided, row.refunded, expected, cancelled=cancelled)
            )
        for patron_id, row in sums.items():
            name = LEGACY_ROW_NAME if patron_id is None else f"{patron_id} (not on roster)"
            rows.append(PatronBalance(patron_id, name, row.paid, row.voided, row.refunded, None, on_roster=False))
        return rows

    @cached_property
    def by_patron(self):
        """{patron_id: PatronBalance} of the roster's patrons."""
        return {row.patron_id: row for row in self.balances if row.on_roster}

    @cached_property
    def off_roster_paid(self):
        """What records naming no roster patron (legacy ones, mostly) add to the event's paid."""
        return money(sum((row.net for row in self.balances if not row.on_roster), ZERO))


def is_cancelled(patron):
    return bool(getattr(patron, "cancelled_at", None))


def reckon(*, price, patrons, records):
    """The money of one event.

    price: Decimal or None. patrons: a sequence of events.items.PatronItem; records: a sequence
    of events.items.RecordItem (or anything with their attributes and `readable`/`counts`).
    """
    return Reckoning(price=price, patrons=patrons, records=records)


def roster(event):
    return list(event.roster or [])


def payments(event):
    return list(event.payments or [])


def reckon_event(event):
    return reckon(price=event.price, patrons=roster(event), records=payments(event))


def totals(event):
    return reckon_event(event).totals


def voided_payment_ids(event):
    return {record.voids for record in payments(event) if record.is_void and record.voids}


def refunds_of(records, payment_id):
    """The refund records of one payment."""
    return [r for r in records if r.kind == RecordKind.REFUND and r.refunds == payment_id]


def doubtful(records, payment_id):
    """Ledger records that may void or refund this payment but cannot be read well enough to say
    how much: while there are any, what is left of the payment is unknown (events.items)."""
    return [
        r
        for r in records
        if r.is_map
        and not r.readable
        and (r.voids == payment_id or r.refunds == payment_id or r.unreadable_fields & {"kind", "voids", "refunds"})
    ]


def left_of(records, payment_id):
    """What is left of a payment to refund: its amount less its refunds, and nothing once voided.

    None when no record has that payment_id. Computed from the records, never stored apart.
    """
    original = next((r for r in records if r.payment_id == payment_id), None)
    if original is None:
        return None
    if any(r.kind == RecordKind.VOID and r.voids == payment_id for r in records):
        return ZERO
    left = _amount(original) + sum((_amount(r) for r in refunds_of(records, payment_id)), ZERO)
    return max(left, ZERO)


def starts_at(event):
    """The event's start as an aware datetime, or None when missing or malformed.

    A start written without an offset is a wall-clock time where the trips happen: the site's
    time zone (SCC_TIME_ZONE).
    """
    return parse_start(event.starts_at)


def parse_start(value):
    """A stored start (ISO 8601) as an aware datetime, or None when it is not one (never raises)."""
    moment = clock.parse_iso(value)
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else timezone.make_aware(moment, timezone.get_default_timezone())


def is_past(event, *, now=None):
    start = starts_at(event)
    return start is not None and start < (now or timezone.now())
