"""Reads of the events table."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.urls import reverse
from pynamodb.exceptions import DoesNotExist

from events import ledger
from events.models import Event
from scc import dynamodb

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


_EMPTY = {}


def _text(value):
    """A raw DynamoDB value as text, or None when it is absent or not a string."""
    return value.get("S") if value else None


class _RawRecord:
    """A raw payment map read with PaymentRecord's names (what ledger.reckon reads), building no model."""

    __slots__ = ("_fields",)

    def __init__(self, value):
        self._fields = value.get("M", _EMPTY)

    @property
    def amount(self):
        return self._fields.get("amount", _EMPTY).get("N")

    @property
    def patron_id(self):
        return _text(self._fields.get("patron_id"))

    @property
    def kind(self):
        return _text(self._fields.get("kind"))


class _RawRoster:
    """A raw roster list read as Patron-like entries (what ledger.reckon reads); its length costs nothing."""

    def __init__(self, values):
        self._values = values

    def __len__(self):
        return len(self._values)

    def __iter__(self):
        for value in self._values:
            fields = value.get("M", _EMPTY)
            yield SimpleNamespace(
                patron_id=_text(fields.get("patron_id")),
                name=_text(fields.get("name")),
                cancelled_at=_text(fields.get("cancelled_at")),
            )


def reckon_raw(item):
    """ledger.reckon over a raw DynamoDB item, as ledger.reckon_event over a model."""
    roster = _RawRoster(item.get("roster", _EMPTY).get("L", ()))
    records = [_RawRecord(value) for value in item.get("payments", _EMPTY).get("L", ())]
    return ledger.reckon(price=item.get("price", _EMPTY).get("N"), patrons=roster, records=records)


def raw_summary(item):
    """An EventSummary from a raw DynamoDB item; its totals come from ledger.reckon, as every page's do."""
    text = {name: item[name]["S"] for name in ("title", "location", "starts_at") if "S" in item.get(name, _EMPTY)}
    roster_size = len(item.get("roster", _EMPTY).get("L", ()))
    return EventSummary(
        item["event_id"]["S"],
        text.get("title"),
        text.get("location"),
        text.get("starts_at"),
        roster_size,
        reckon_raw(item).totals,
    )


def _scan_summaries():
    # Raw items: building models of every payment list only to sum the amounts cost more than the Scan.
    return (raw_summary(item) for item in dynamodb.scan_raw(Event, attributes=DISPATCH_ATTRIBUTES))


def dispatch_events(*, now=None):
    """(upcoming, past) EventSummary lists: upcoming soonest first, past most recent first; undated last."""
    upcoming, past = [], []
    for event in _scan_summaries():
        (past if ledger.is_past(event, now=now) else upcoming).append(event)
    upcoming.sort(key=lambda e: (ledger.starts_at(e) is None, ledger.starts_at(e) and ledger.starts_at(e).timestamp()))
    past.sort(key=lambda e: ledger.starts_at(e).timestamp(), reverse=True)
    return upcoming, past


def waiver_url(event_id):
    """The waiver page's full URL from SCC_PUBLIC_URL (never the Host header), or None when it is not set."""
    if not settings.PUBLIC_URL:
        return None
    return settings.PUBLIC_URL + reverse("waiver", args=[event_id])
