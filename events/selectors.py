"""Reads of the events table."""

from pynamodb.exceptions import DoesNotExist

from events import ledger
from events.models import Event

DISPATCH_ATTRIBUTES = ["event_id", "title", "location", "starts_at", "price", "roster", "payments"]


def get_event(*, event_id, consistent=True):
    """The event, or None when there is no such item (or the id is not a valid key)."""
    if not isinstance(event_id, str) or not 0 < len(event_id.encode()) <= 1024:
        return None
    try:
        return Event.get(event_id, consistent_read=consistent)
    except DoesNotExist:
        return None


def dispatch_events(*, now=None):
    """(upcoming, past): upcoming soonest first, past most recent first; undated last."""
    events = list(Event.scan(attributes_to_get=DISPATCH_ATTRIBUTES))
    upcoming, past = [], []
    for event in events:
        (past if ledger.is_past(event, now=now) else upcoming).append(event)
    upcoming.sort(key=lambda e: (ledger.starts_at(e) is None, ledger.starts_at(e) and ledger.starts_at(e).timestamp()))
    past.sort(key=lambda e: ledger.starts_at(e).timestamp(), reverse=True)
    return upcoming, past
