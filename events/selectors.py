"""Reads of the events table."""

from pynamodb.exceptions import DoesNotExist

from events import ledger
from events.models import Event

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
    if not is_valid_event_id(event_id):
        return None
    try:
        return Event.get(event_id, consistent_read=True, attributes_to_get=PUBLIC_ATTRIBUTES)
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
