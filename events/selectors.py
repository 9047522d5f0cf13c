"""Reads of the events table."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pynamodb.expressions.condition import size

from accounts.middleware import read_with_user
from events import items, ledger
from events.models import Event
from scc import dynamodb
from scc.vocabulary import Vocabulary

DISPATCH_ATTRIBUTES = ["event_id", "title", "location", "starts_at", "price", "capacity", "roster", "payments"]
# What the public waiver page may know about an event: never the roster, payments or audit.
PUBLIC_ATTRIBUTES = ["event_id", "title", "location", "starts_at", "waiver_text"]


def is_valid_event_id(event_id):
    """DynamoDB refuses keys that are empty or over 1024 bytes (it would be a 400, not a miss)."""
    return isinstance(event_id, str) and 0 < len(event_id.encode()) <= 1024


def get_event(*, event_id, consistent=True, attributes=None):
    """The event as events.items reads it (an EventItem), or None when there is no such item (or
    the id is not a valid key). Never raises on what is stored.

    attributes: project to these (a list of names); None reads the whole item.
    """
    if not is_valid_event_id(event_id):
        return None
    raw = dynamodb.get_raw(Event, key=event_id, consistent=consistent, attributes=attributes)
    return None if raw is None else items.read_event(raw)


def event_with_user(request, *, event_id, attributes):
    """The event projected to `attributes`, read in one consistent BatchGetItem together with the
    operator behind `request.user` (which that resolves): one round trip instead of two.

    None when it was not read that way (no valid id, no credentials, `request.user` already read) or
    there is no such event: the caller then reads it alone, as before.
    """
    if not is_valid_event_id(event_id):
        return None
    found = read_with_user(request, [(Event, event_id, attributes)])
    return found[0] if found else None


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
    capacity: int | None = None
    is_past: bool = False
    booked: int = 0  # patrons whose booking is not cancelled: what the capacity limits
    free: bool = False  # the price is 0 (a free trip), not merely nobody booked yet
    unreadable: tuple = ()  # (where, why) of what events.items could not read


def raw_summary(item):
    """An EventSummary from a raw DynamoDB item; its totals come from ledger.reckon, as every page's do."""
    event = items.read_event(item)
    roster = ledger.roster(event)
    return EventSummary(
        event.event_id,
        event.title,
        event.location,
        event.starts_at,
        len(roster),
        ledger.totals(event),
        capacity=event.capacity,
        booked=sum(1 for patron in roster if patron.readable and not ledger.is_cancelled(patron)),
        free=event.price is not None and event.price == 0,
        unreadable=tuple(event.unreadable),
    )


# The dispatch page as a changelist -------------------------------------------------------------


class Show(Vocabulary):
    """The dispatch page's filter (`show`)."""

    UPCOMING = "upcoming", "Upcoming"
    PAST = "past", "Past"
    ALL = "all", "All"
    OWING = "owing", "Outstanding balance"


# Starts are stored as local ISO 8601 with their offsets (-12:00 to +14:00), so as text they
# sort by local date. A day either side of now covers every offset: the Scan's filter keeps a
# few events of yesterday and tomorrow too many, never one too few; Python then decides exactly.
_MARGIN = timedelta(days=1)
# Text below this is no date of this era ("", "12/05/2026"...): kept, and read as undated.
_NOT_A_DATE = "2000"


def _server_filter(show, now):
    """The Scan's FilterExpression for a view: what DynamoDB need not send back (None: everything)."""
    start = Event.starts_at
    if show == Show.UPCOMING:
        after = (now - _MARGIN).date().isoformat()
        return start.does_not_exist() | ~start.is_type() | (start >= after) | (start < _NOT_A_DATE)
    if show == Show.PAST:
        before = (now + _MARGIN + _MARGIN).date().isoformat()
        return start.is_type() & (start < before)
    if show == Show.OWING:
        # Only an event with a price above 0 and a roster can be owed money.
        return (Event.price > 0) & (size(Event.roster) > 0)
    return None


# What the Scan reads to list, sort and search (a card's money is read for its page only), and
# what Outstanding balance reads to know who owes (all of a card: the money decides the list).
LIST_ATTRIBUTES = ["event_id", "starts_at"]
SEARCH_ATTRIBUTES = ["title", "location", "roster"]


def _list_attributes(show, needle):
    if show == Show.OWING:
        return DISPATCH_ATTRIBUTES
    return LIST_ATTRIBUTES + (SEARCH_ATTRIBUTES if needle else [])


class _Row:
    """One scanned item, read only as far as the list needs: its start, its card's data when asked."""

    __slots__ = ("item", "event_id", "start", "is_past", "has_card", "_summary")

    def __init__(self, item, now, *, has_card):
        self.item = item
        self.event_id = item["event_id"]["S"]
        self.start = ledger.parse_start(items.value(item.get("starts_at"), items.start))
        self.is_past = self.start is not None and self.start < now
        self.has_card = has_card
        self._summary = None

    def summary(self):
        if self._summary is None:
            self._summary = dataclasses.replace(raw_summary(self.item), is_past=self.is_past)
        return self._summary

    def matches(self, needle):
        """Whether the title, location or a patron's name or email contains `needle` (casefolded)."""
        texts = [items.value(self.item.get(name), items.text) for name in ("title", "location")]
        for fields in items.maps(self.item.get("roster")):
            texts += [items.value(fields.get(name), items.text) for name in ("name", "email")]
        return any(needle in text.casefold() for text in texts if text)


def _soonest_first(row):
    return (row.start is None, row.start.timestamp() if row.start else 0, row.event_id)


def _newest_first(row):
    return (-row.start.timestamp(), row.event_id)


class DispatchList(Sequence):
    """The events a dispatch view lists, in order. A slice (a page) reads its cards' data in one
    BatchGetItem and sums only its own events; an event deleted meanwhile drops out of the page."""

    def __init__(self, rows):
        self._rows = rows

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, index):
        rows = self._rows[index] if isinstance(index, slice) else [self._rows[index]]
        wanted = [row.event_id for row in rows if not row.has_card]
        if wanted:
            items = dynamodb.batch_get_raw(Event, keys=wanted, attributes=DISPATCH_ATTRIBUTES)
            cards = {item["event_id"]["S"]: item for item in items}
            for row in rows:
                if not row.has_card and row.event_id in cards:
                    row.item, row.has_card = cards[row.event_id], True
        summaries = [row.summary() for row in rows if row.has_card]
        return summaries if isinstance(index, slice) else summaries[0]


def dispatch_list(*, show=Show.UPCOMING, query="", now=None):
    """The dispatch page's events for a view and a search, as a DispatchList of EventSummary.

    Upcoming (and undated) soonest first, past most recent first; All and Outstanding balance list
    the upcoming ones, then the past ones. One Scan whose filter leaves out, on the server, what the
    view cannot show (for Upcoming: the past), projected to what listing needs (ids and starts, and
    what Search looks in), so the events sent back, parsed and sorted are those of the view; a page
    then reads its 25 cards (DispatchList). DynamoDB still reads every item (see BENCHMARKS.md).
    """
    now = now or timezone.now()
    needle = query.strip().casefold()
    attributes = _list_attributes(show, needle)
    items = dynamodb.scan_raw(Event, attributes=attributes, filter_condition=_server_filter(show, now))
    upcoming, past = [], []
    for item in items:
        row = _Row(item, now, has_card=attributes is DISPATCH_ATTRIBUTES)
        if needle and not row.matches(needle):
            continue
        if show == Show.OWING and not _owes(row):
            continue
        (past if row.is_past else upcoming).append(row)
    upcoming.sort(key=_soonest_first)
    past.sort(key=_newest_first)
    if show == Show.UPCOMING:
        return DispatchList(upcoming)
    if show == Show.PAST:
        return DispatchList(past)
    return DispatchList(upcoming + past)


def _owes(row):
    outstanding = row.summary().totals.outstanding
    return outstanding is not None and outstanding > 0


def waiver_url(event_id):
    """The waiver page's full URL from SCC_PUBLIC_URL (never the Host header), or None when it is not set."""
    if not settings.PUBLIC_URL:
        return None
    return settings.PUBLIC_URL + reverse("waiver", args=[event_id])
