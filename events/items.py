"""Reading the events table, whatever is in it: the one place an item becomes Python values.

The table is shared: other software writes what it likes (an amount as a string, `1E+30`, a
title that is a number, a roster that is a map, lists of things that are not maps). Every read of
an event item comes here as DynamoDB's typed JSON (`{"S": ...}`, through scc.dynamodb) and
leaves as read-only objects with the models' attribute names: EventItem, PatronItem, RecordItem,
EntryItem. Each attribute is read on its own by the rule for its kind (`RULES`); a value a rule
cannot read becomes None and a note in `unreadable` ("payments[3].amount: text, not a number").
Nothing here raises on what is stored, and nothing is written back: the value stays as it was.

What a note means for the rest of the app:
- A record whose money cannot be read (its amount, kind or patron) does not count in totals; the
  totals say how many they leave out (`ledger.Totals.unreadable`), never a silent 0.
- A roster entry without a readable patron_id or booking state is shown as an unreadable record
  and expects no payment.
- Pages show "Unreadable record" (with the event id) where a record cannot be read; writes refuse
  to act on such a record.

Each item with notes is logged once per process (and again only when its notes change).
"""

import logging
import threading
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

from events.models import RecordKind, money
from scc import clock

logger = logging.getLogger("scc.unreadable")

# Amounts beyond this are no money a charter takes: read as unreadable, not as a number that
# would swamp every total (DynamoDB holds numbers up to 10^126).
MONEY_LIMIT = Decimal(10) ** 12
WHOLE_LIMIT = 10**9

_TYPE_WORDS = {
    "S": "text",
    "N": "a number",
    "B": "binary data",
    "SS": "a set of texts",
    "NS": "a set of numbers",
    "BS": "a set of binary values",
    "M": "a map",
    "L": "a list",
    "BOOL": "true/false",
}


class Unreadable(Exception):
    """A stored value a rule cannot read; the message says what it is instead."""


def _tag(raw):
    """(DynamoDB type tag, value) of a typed value; NULL and anything malformed read as absent."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return None, None
    ((tag, value),) = raw.items()
    return (None, None) if tag == "NULL" else (tag, value)


def _expect(raw, tag, words):
    found, value = _tag(raw)
    if found != tag:
        raise Unreadable(f"{_TYPE_WORDS.get(found, 'an unknown type')}, not {words}")
    return value


# The rules: typed value -> Python value, or Unreadable. ------------------------------------


def text(raw):
    return _expect(raw, "S", "text")


def identifier(raw):
    value = _expect(raw, "S", "text")
    if not value:
        raise Unreadable("empty text, not an id")
    return value


def amount(raw):
    """Money: a number, finite and within MONEY_LIMIT, as Decimal cents (DynamoDB gives 12.30 as 12.3)."""
    value = _number(raw)
    if abs(value) >= MONEY_LIMIT:
        raise Unreadable(f"the number {_short(raw)}, too large for money")
    return money(value)


def whole(raw):
    value = _number(raw)
    if value != value.to_integral_value() or not 0 <= value <= WHOLE_LIMIT:
        raise Unreadable(f"the number {_short(raw)}, not a whole number from 0 to {WHOLE_LIMIT:,}")
    return int(value)


def flag(raw):
    return _expect(raw, "BOOL", "true/false")


def moment(raw):
    """A timestamp (UTC ISO 8601): the text as stored, when it is one; pages show it in local time."""
    value = _expect(raw, "S", "text")
    if clock.parse(value) is None:
        raise Unreadable(f"the text {_short(raw)}, not a date and time")
    return value


def start(raw):
    """An event's start: ISO 8601 with an offset, or local time without one (events.ledger.parse_start)."""
    from events.ledger import parse_start  # ledger reads the items this module makes

    value = _expect(raw, "S", "text")
    if parse_start(value) is None:
        raise Unreadable(f"the text {_short(raw)}, not a date and time")
    return value


def text_set(raw):
    return frozenset(_expect(raw, "SS", "a set of texts"))


def value(raw, rule):
    """What `rule` reads of one typed value, or None when it is absent or unreadable (not noted:
    for reads of a few attributes of many items, such as listing and searching the dispatch page)."""
    if _tag(raw)[0] is None:
        return None
    try:
        return rule(raw)
    except Unreadable:
        return None


def maps(raw):
    """The fields of each map in a typed list value (other elements, and other types, skipped)."""
    tag, values = _tag(raw)
    if tag != "L":
        return
    for element in values:
        element_tag, fields = _tag(element)
        if element_tag == "M":
            yield fields


def _number(raw):
    value = _expect(raw, "N", "a number")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise Unreadable("a malformed number") from None
    if not number.is_finite():
        raise Unreadable("a number that is not finite")
    return number


def _short(raw):
    _, value = _tag(raw)
    value = str(value)
    return repr(value if len(value) <= 24 else value[:21] + "...")


# The objects a read makes. ----------------------------------------------------------------


class _Element:
    """One map of a list attribute (a roster entry, a ledger record, an audit entry).

    `where`: its place in the item ("payments[3]"); `unreadable`: [(where, why)] of its fields
    (or of itself, when it is not a map). ESSENTIAL: the fields without which it cannot be used;
    REQUIRED: those it must have.
    """

    RULES = {}
    ESSENTIAL = frozenset()
    REQUIRED = frozenset()
    __slots__ = ("where", "unreadable", "_bad")

    def __init__(self, where="", **values):
        self.where = where
        self.unreadable = []
        self._bad = set()
        for name in self.RULES:
            setattr(self, name, values.get(name))

    @classmethod
    def read(cls, raw, where):
        element = cls(where)
        tag, fields = _tag(raw)
        if tag != "M":
            element._note(where, f"{_TYPE_WORDS.get(tag, 'nothing')}, not a map", "*")
            return element
        for name, rule in cls.RULES.items():
            value = fields.get(name)
            if _tag(value)[0] is None:
                if name in cls.REQUIRED:
                    element._note(f"{where}.{name}", "missing", name)
                continue
            try:
                setattr(element, name, rule(value))
            except Unreadable as exc:
                element._note(f"{where}.{name}", str(exc), name)
        return element

    def _note(self, where, why, name):
        self.unreadable.append((where, why))
        self._bad.add(name)

    @property
    def is_map(self):
        return "*" not in self._bad

    @property
    def readable(self):
        """Whether every field this element needs could be read (it may be acted on)."""
        return not self._bad & (self.ESSENTIAL | {"*"})

    @property
    def unreadable_fields(self):
        """Names of the fields that could not be read ("*": the element itself is not a map)."""
        return frozenset(self._bad)


class PatronItem(_Element):
    RULES = {
        "patron_id": identifier,
        "name": text,
        "email": text,
        "phone": text,
        "waiver_signed_at": text,
        "checked_in_at": text,
        "cancelled_at": text,
        "cancel_reason": text,
    }
    REQUIRED = frozenset({"patron_id"})
    # Without its id it cannot be addressed; without its booking state nobody knows what it owes.
    ESSENTIAL = frozenset({"patron_id", "cancelled_at"})
    __slots__ = tuple(RULES)


class RecordItem(_Element):
    """A ledger record. Legacy records carry only timestamp, operator, amount, notes, email_sent."""

    RULES = {
        "payment_id": identifier,
        "timestamp": text,
        "operator": text,
        "patron_id": identifier,
        "amount": amount,
        "notes": text,
        "email_sent": flag,
        "email_sent_at": text,
        "email_claimed_at": text,
        "kind": text,
        "method": text,
        "voids": identifier,
        "refunds": identifier,
    }
    REQUIRED = frozenset({"amount"})
    # What totals need: how much, of what kind, for whom.
    MONEY = frozenset({"amount", "kind", "patron_id"})
    # What acting on it (void, refund, email) needs besides.
    ESSENTIAL = MONEY | {"payment_id", "voids", "refunds", "email_sent"}
    __slots__ = tuple(RULES)

    @property
    def counts(self):
        """Whether its money can be read: it counts in totals (else totals say they leave it out)."""
        return not self._bad & (self.MONEY | {"*"})

    @property
    def is_legacy(self):
        return self.is_map and self.kind is None and self.payment_id is None and "payment_id" not in self._bad

    @property
    def is_void(self):
        return self.kind == RecordKind.VOID

    @property
    def amount_money(self):
        """The amount in cents, or None when it cannot be read."""
        return self.amount


class EntryItem(_Element):
    RULES = {
        "at": text,
        "operator": text,
        "action": text,
        "payment_id": identifier,
        "patron_id": identifier,
        "amount": amount,
        "detail": text,
    }
    ESSENTIAL = frozenset({"action", "amount"})
    __slots__ = tuple(RULES)


EVENT_RULES = {
    "title": text,
    "location": text,
    "starts_at": start,
    "price": amount,
    "capacity": whole,
    "version": whole,
    "waiver_text": text,
    "payment_ids": text_set,
    "roster_emails": text_set,
}
LISTS = {"roster": PatronItem, "payments": RecordItem, "audit": EntryItem}


class EventItem:
    """An event item as read: the app's attributes (None, or empty lists, when absent or
    unreadable) and `unreadable`, [(where, why)] for the whole item, lists included."""

    __slots__ = ("event_id", "unreadable", *EVENT_RULES, *LISTS)

    def __init__(self, event_id, **values):
        self.event_id = event_id
        self.unreadable = []
        for name in EVENT_RULES:
            setattr(self, name, values.get(name))
        for name in LISTS:
            setattr(self, name, list(values.get(name) or ()))

    @property
    def version_number(self):
        """The edit version as an int: 0 when absent (items other software created, or older ones)."""
        return self.version or 0

    @property
    def capacity_number(self):
        """The capacity as an int, or None when the event sets none."""
        return self.capacity

    def is_unreadable(self, name):
        """Whether the attribute `name` itself (not an element of it) could not be read."""
        return any(where == name for where, _ in self.unreadable)


def read_event(raw):
    """An EventItem from a raw item (botocore's typed maps), attribute by attribute; never raises
    on what is stored. Attributes the item lacks (not projected, or never written) are absent."""
    event_id = raw.get("event_id", {}).get("S", "") if isinstance(raw.get("event_id"), dict) else ""
    event = EventItem(event_id)
    for name, rule in EVENT_RULES.items():
        value = raw.get(name)
        if _tag(value)[0] is None:
            continue
        try:
            setattr(event, name, rule(value))
        except Unreadable as exc:
            event.unreadable.append((name, str(exc)))
    for name, element_type in LISTS.items():
        value = raw.get(name)
        tag, values = _tag(value)
        if tag is None:
            continue
        if tag != "L":
            event.unreadable.append((name, f"{_TYPE_WORDS.get(tag, 'an unknown type')}, not a list"))
            continue
        elements = [element_type.read(v, f"{name}[{i}]") for i, v in enumerate(values)]
        setattr(event, name, elements)
        for element in elements:
            event.unreadable.extend(element.unreadable)
    if event.unreadable:
        warn_once(event.event_id, event.unreadable)
    return event


# Logged once per item and set of notes per process: a page read a thousand times logs once.
_WARNED_MAX = 10_000
_warned = OrderedDict()
_warned_lock = threading.Lock()


def warn_once(event_id, notes):
    key = (event_id, tuple(notes))
    with _warned_lock:
        if key in _warned:
            return
        _warned[key] = None
        if len(_warned) > _WARNED_MAX:
            _warned.popitem(last=False)
    shown = "; ".join(f"{where}: {why}" for where, why in notes[:20])
    more = f" (and {len(notes) - 20} more)" if len(notes) > 20 else ""
    logger.warning("Event %r has values the app cannot read, shown as unreadable: %s%s", event_id, shown, more)
