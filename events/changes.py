"""What an edit changes on an event, and the words the audit trail keeps for it.

The audit entry's `detail` says which fields changed, from what, to what:
`Price: $45.00 → $50.00; Capacity: 20 → 12`. Waiver texts (up to 20,000 characters) are described
by their length rather than copied, so a few edits cannot fill the item's 400 KB.
"""

from dataclasses import dataclass

from events import ledger
from events.models import money

LABELS = {
    "title": "Title",
    "starts_at": "Starts at",
    "location": "Location",
    "price": "Price",
    "capacity": "Capacity",
    "waiver_text": "Waiver text",
}
NONE = {
    "title": "none",
    "starts_at": "none",
    "location": "none",
    "price": "no set price",
    "capacity": "no limit",
    "waiver_text": "the standard waiver",
}


@dataclass(frozen=True)
class Change:
    name: str
    old: object
    new: object


def same(name, old, new):
    """Whether two values of one field are the same (a price of 45 and 45.00, one moment in two offsets)."""
    if old is None or new is None:
        return old is None and new is None
    if name == "starts_at":
        # The same moment written with another offset (or by other software) is not a change.
        old_moment, new_moment = ledger.parse_start(old), ledger.parse_start(new)
        return old == new if old_moment is None or new_moment is None else old_moment == new_moment
    if name == "price":
        return money(old) == money(new)
    if name == "capacity":
        return int(old) == int(new)
    return old == new


def diff(event, fields):
    """[Change] for each field in `fields` ({name: new value or None}) whose value differs from the event's."""
    return [
        Change(name, getattr(event, name), fields[name])
        for name in LABELS
        if name in fields and not same(name, getattr(event, name), fields[name])
    ]


def show(name, value):
    if value is None:
        return NONE[name]
    if name in ("title", "location"):
        return f"“{value}”"
    if name == "price":
        return f"${money(value):,.2f}"
    if name == "capacity":
        return str(int(value))
    if name == "waiver_text":
        return f"a custom waiver ({len(value):,} characters)"
    return str(value)


def describe(changes):
    return "; ".join(f"{LABELS[c.name]}: {show(c.name, c.old)} → {show(c.name, c.new)}" for c in changes)


def describe_created(values):
    """The fields a new event was created with ({name: value}), standard waiver included when unset."""
    parts = [f"{LABELS[name].lower()} {show(name, value)}" for name, value in values.items() if name != "waiver_text"]
    parts.append(show("waiver_text", values.get("waiver_text")))
    return ", ".join(parts)
