"""The one door for writes to the events table: one conditional UpdateItem, its answer read by events.items.

Never PutItem (the table is shared): update actions under a condition, and the item as stored
afterwards read the tolerant way, so a value other software wrote elsewhere on the item cannot
turn a write that succeeded into an error.
"""

from pynamodb.exceptions import UpdateError

from events import items
from events.errors import EventTooLarge, StoredShapeConflict
from events.models import Event
from scc import dynamodb


def update(event_id, *, actions, condition, full_message=None):
    """Apply `actions` to the event if `condition` holds: the EventItem after the write, or None
    when the condition failed (nothing written).

    Raises EventTooLarge (with `full_message`, if given) when the item would pass DynamoDB's
    400 KB, and StoredShapeConflict when what is stored has another type than the write assumes
    (a roster stored as a map, say); nothing is written either way.
    """
    try:
        raw = dynamodb.update_raw(Event, key=event_id, actions=actions, condition=condition)
    except UpdateError as exc:
        if dynamodb.is_condition_failure(exc):
            return None
        if dynamodb.is_item_too_large(exc):
            raise (EventTooLarge(full_message) if full_message else EventTooLarge()) from exc
        if dynamodb.is_refused_by_stored_shape(exc):
            raise StoredShapeConflict() from exc
        raise
    return items.read_event(raw)
