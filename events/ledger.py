"""Money arithmetic over one event's own attributes: totals and per-patron balances.

Pure functions, no I/O. Legacy records (no kind, no patron) count as payments.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from events.models import money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    paid: Decimal
    expected: Decimal | None
    outstanding: Decimal | None

    def as_json(self):
        return {
            "paid": str(self.paid),
            "expected": None if self.expected is None else str(self.expected),
            "outstanding": None if self.outstanding is None else str(self.outstanding),
        }

    @property
    def percent_paid(self):
        if not self.expected:
            return None
        return max(0, min(100, int(self.paid * 100 / self.expected)))


@dataclass(frozen=True)
class PatronBalance:
    patron_id: str | None
    name: str
    paid: Decimal
    voided: Decimal
    expected: Decimal | None

    @property
    def net(self):
        return self.paid - self.voided

    @property
    def outstanding(self):
        return None if self.expected is None else self.expected - self.net


def roster(event):
    return list(event.roster or [])


def payments(event):
    return list(event.payments or [])


def paid_total(event):
    return money(sum((record.amount_money for record in payments(event)), ZERO))


def expected_total(event):
    if event.price is None:
        return None
    return money(money(event.price) * len(roster(event)))


def totals(event):
    paid = paid_total(event)
    expected = expected_total(event)
    return Totals(paid=paid, expected=expected, outstanding=None if expected is None else expected - paid)


def voided_payment_ids(event):
    return {record.voids for record in payments(event) if record.is_void and record.voids}


def patron_balances(event):
    """One row per roster patron, plus one for records that name no patron (legacy)."""
    price = None if event.price is None else money(event.price)
    sums = {}
    for record in payments(event):
        paid, voided = sums.get(record.patron_id, (ZERO, ZERO))
        if record.is_void:
            voided += -record.amount_money
        else:
            paid += record.amount_money
        sums[record.patron_id] = (paid, voided)
    rows = []
    for patron in roster(event):
        paid, voided = sums.pop(patron.patron_id, (ZERO, ZERO))
        rows.append(PatronBalance(patron.patron_id, patron.name or patron.patron_id, paid, voided, price))
    for patron_id, (paid, voided) in sums.items():
        name = "No patron recorded (legacy)" if patron_id is None else f"{patron_id} (not on roster)"
        rows.append(PatronBalance(patron_id, name, paid, voided, None))
    return rows


def starts_at(event):
    """The event's start as an aware datetime, or None when missing or malformed."""
    try:
        return datetime.fromisoformat(event.starts_at) if event.starts_at else None
    except ValueError:
        return None


def is_past(event, *, now=None):
    start = starts_at(event)
    return start is not None and start < (now or timezone.now())
