"""Reads of the events table."""

from dataclasses import dataclass
from decimal import Decimal

from pynamodb.exceptions import DoesNotExist

from events import ledger
from events.models import Event, money

DISPATCH_ATTRIBUTES = ["event_id", "title", "location", "starts_at", "price", "roster", "payments"]
# What the public waiver page may know about an event: never the roster, payments or audit.
PUBLIC_ATTRIBUTES = ["event_id", "title", "location", "starts_at", "waiver_text"]


def is_valid_event_id(event_id):
    """DynamoDB refuses keys that are empty or over 1024 bytes (it would be a 400, not a miss)."""
    return isinstance(event_id, str) and 0 < len(event_id.encode()) <= 1024


def get_event(*, event_id, consistent=True, attributes=None):
    """The event, or None when there is no such item (or the id is not a valid key).

    attributes: project to these (a list of names); None reads the whole item.
    """
    if not is_valid_event_id(event_id):
        return None
    try:
        return Event.get(event_id, consistent_read=consistent, attributes_to_get=attributes)
    except DoesNotExist:
        return None


def public_event(*, event_id):
    """The event with only its public attributes, or None when there is no such item."""
    return get_event(event_id=event_id, consistent=True, attributes=PUBLIC_ATTRIBUTES)


@dataclass(frozen=True)
class EventSummary:
    """What a dispatch card shows: the event's own fields, its roster size and its totals."""

    event_id: str
    title: str | None
    location: str | None
    starts_at: str | None
    roster_size: int
    totals: ledger.Totals


def _summary(item):
    """An EventSummary from a raw DynamoDB item; sums amounts as Decimal, like ledger.totals."""
    text = {name: item[name]["S"] for name in ("title", "location", "starts_at") if "S" in item.get(name, {})}
    roster_size = len(item.get("roster", {}).get("L", []))
    paid = ledger.ZERO
    for record in item.get("payments", {}).get("L", []):
        amount = record.get("M", {}).get("amount", {}).get("N")
        paid += money(amount) if amount is not None else ledger.ZERO
    paid = money(paid)
    price = item.get("price", {}).get("N")
    expected = None if price is None else money(money(Decimal(price)) * roster_size)
    totals = ledger.Totals(paid=paid, expected=expected, outstanding=None if expected is None else expected - paid)
    return EventSummary(
        item["event_id"]["S"], text.get("title"), text.get("location"), text.get("starts_at"), roster_size, totals
    )


def _scan_summaries():
    # Raw items from PynamoDB's connection (its errors, retries and projection): building models
    # of every payment list only to sum the amounts cost more than the Scan itself.
    connection = Event._get_connection()
    start = None
    while True:
        page = connection.scan(attributes_to_get=DISPATCH_ATTRIBUTES, exclusive_start_key=start)
        yield from (_summary(item) for item in page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def dispatch_events(*, now=None):
    """(upcoming, past) EventSummary lists: upcoming soonest first, past most recent first; undated last."""
    upcoming, past = [], []
    for event in _scan_summaries():
        (past if ledger.is_past(event, now=now) else upcoming).append(event)
    upcoming.sort(key=lambda e: (ledger.starts_at(e) is None, ledger.starts_at(e) and ledger.starts_at(e).timestamp()))
    past.sort(key=lambda e: ledger.starts_at(e).timestamp(), reverse=True)
    return upcoming, past
