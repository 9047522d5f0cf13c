"""Reads across events for the audit trail.

One Scan of the events table, in parallel segments, projected to what the audit needs and decoded
straight from DynamoDB's JSON into small typed items (payments.audit_items); no per-event
follow-up requests. Rows are produced by generators: the CSV streams them as the Scan's pages
arrive (newest first within each event) and never holds the table; the page keeps only the rows
up to the page it shows (a bounded heap) plus counts and totals of every matching row. Whatever
other software stored reads as events.items reads it on every other path: what cannot be read is a
row saying "Unreadable record" (where, and the event id), logged once per item, never a 500. Operator
changes (stored on each operator's item, read through accounts.selectors) are a second source: one
more Scan, of the small operators table.
"""

import heapq
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from accounts.selectors import operator_audit_entries
from events import items
from events.ledger import ZERO
from events.models import Event
from scc import clock, dynamodb
from scc.vocabulary import NEEDS_ATTENTION, AuditAction

AUDIT_ATTRIBUTES = ["event_id", "title", "roster", "payments", "audit"]  # the fields of audit_items.AuditItem
PAYMENT_ACTIONS = (AuditAction.PAYMENT_LOGGED, AuditAction.PAYMENT_VOIDED, AuditAction.PAYMENT_REFUNDED)
PER_PAGE = 50
# Parallel Scan segments: their requests overlap each other and our decoding. Pages of 100 items keep
# memory flat (at most segments x 2 + 1 pages live, ~15 MiB); BENCHMARKS.md, audit section, has the choice.
SCAN_SEGMENTS = 4
SCAN_PAGE_SIZE = 100
_UNDATED = datetime.min.replace(tzinfo=UTC)


@dataclass(slots=True)
class AuditRow:
    at: str  # as stored
    moment: datetime | None  # aware, UTC; None when the stored time does not parse
    operator: str
    action: str
    event_id: str
    event_title: str
    patron_id: str | None
    patron_name: str | None
    amount: Decimal | None
    payment_id: str | None
    detail: str
    legacy: bool = False
    method: str | None = None  # a PaymentMethod code, for payment, void and refund rows that have one
    subject: str = ""  # for operator changes: the operator changed (`operator` is who changed it)
    unreadable: str | None = None  # where in the item, when the entry (or its record) cannot be read

    @property
    def unreadable_label(self):
        return f"Unreadable record ({self.unreadable} of event {self.event_id})" if self.unreadable else ""

    @property
    def needs_attention(self):
        return self.action in NEEDS_ATTENTION

    @property
    def sort_key(self):
        return (self.moment or _UNDATED, self.event_id, self.at)


@dataclass(frozen=True)
class AuditFilters:
    event: str = ""
    operator: str = ""
    action: str = ""
    patron: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def event_matches(self, event_id, title):
        """An event id exactly (links from an event page), or a fragment of the title, any case."""
        if not self.event:
            return True
        return event_id == self.event or self.event.casefold() in (title or "").casefold()

    def matches(self, row):
        if not self.event_matches(row.event_id, row.event_title):
            return False
        if self.operator and not _operator_matches(row, self.operator):
            return False
        if self.action and row.action != self.action:
            return False
        if self.patron and not _patron_matches(row, self.patron):
            return False
        if self.since and (row.moment is None or row.moment < self.since):
            return False
        return not (self.until and (row.moment is None or row.moment >= self.until))


def _operator_matches(row, query):
    """A fragment of who acted, or of the operator an operator change was about, as Patron matches."""
    query = query.strip().casefold()
    return query in row.operator.casefold() or query in row.subject.casefold()


def _patron_matches(row, query):
    query = query.strip().casefold()
    return (
        row.patron_id is not None and row.patron_id.casefold() == query or query in (row.patron_name or "").casefold()
    )


@dataclass
class AuditTotals:
    """The payments among the filtered rows: logged, voided and refunded, counted and summed."""

    payments: int = 0
    paid: Decimal = ZERO
    voids: int = 0
    voided: Decimal = ZERO  # negative, as stored
    refunds: int = 0
    refunded: Decimal = ZERO  # negative, as stored
    unreadable: int = 0  # rows of these actions without a readable amount: left out of the sums, said so

    @property
    def net(self):
        return self.paid + self.voided + self.refunded

    def add(self, row):
        if row.action in PAYMENT_ACTIONS and row.amount is None:
            self.unreadable += 1  # no amount to read, here or on its record: left out, and said so
        elif row.action == AuditAction.PAYMENT_LOGGED:
            self.payments += 1
            self.paid += row.amount or ZERO
        elif row.action == AuditAction.PAYMENT_VOIDED:
            self.voids += 1
            self.voided += row.amount or ZERO
        elif row.action == AuditAction.PAYMENT_REFUNDED:
            self.refunds += 1
            self.refunded += row.amount or ZERO


@dataclass
class AuditPage:
    rows: list
    count: int
    number: int
    per_page: int
    totals: AuditTotals
    events: dict = field(default_factory=dict)  # event_id -> title, every event scanned
    requested: int = 1  # the page asked for; past the last page, `number` is the last page

    @property
    def num_pages(self):
        return max(1, -(-self.count // self.per_page))

    @property
    def start(self):
        return (self.number - 1) * self.per_page + 1 if self.count else 0

    @property
    def end(self):
        return min(self.count, self.number * self.per_page)

    @property
    def out_of_range(self):
        return self.requested > self.num_pages

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages


def event_rows(item):
    """One event's audit rows, newest first: its audit entries plus one synthesized row per legacy record.

    item: a payments.audit_items.AuditItem. An entry or legacy record that cannot be read (not a
    map; its action or amount, or its record's money, of another type or out of range) is a row
    saying so; the item's notes are logged once (events.items.warn_once).
    """
    event_id = item.event_id.S
    title = _text(item.title) or event_id
    names = {_text(p.M.patron_id): _text(p.M.name) for p in item.roster.L if p.M}
    notes = []
    records = [(f"payments[{i}]", r.M) for i, r in enumerate(item.payments.L) if r.M]
    by_id = {_text(r.payment_id): (where, r) for where, r in records if _text(r.payment_id)}
    rows = []
    for index, value in enumerate(item.audit.L):
        where = f"audit[{index}]"
        entry = value.M
        if entry is None:  # not a map: a row saying so, nothing else to show
            notes.append((where, "not a map"))
            rows.append(_unreadable_row(event_id, title, where))
            continue
        payment_id = _text(entry.payment_id)
        record_where, record = by_id.get(payment_id, (None, None)) if payment_id else (None, None)
        patron_id = _text(entry.patron_id) or (_text(record.patron_id) if record else None)
        action = _text(entry.action) or ""
        # Only rows that move money carry an amount: an email about a payment moves none.
        moves_money = action in PAYMENT_ACTIONS
        amount, amount_ok = _amount(entry.amount) if moves_money else (None, True)
        if moves_money and _absent(entry.amount) and record is not None:
            amount, amount_ok = _amount(record.amount)
        detail = _text(entry.detail) or (_text(record.notes) if record and moves_money else None)
        readable = amount_ok and not entry.action.is_other and (record is None or not moves_money or _counts(record))
        if not readable:
            notes.append((where if record is None or _counts(record) else record_where, "a value of another type"))
        rows.append(
            AuditRow(
                at=_text(entry.at) or "",
                moment=clock.parse(_text(entry.at)),
                operator=_text(entry.operator) or "",
                action=action,
                event_id=event_id,
                event_title=title,
                patron_id=patron_id,
                patron_name=names.get(patron_id) if patron_id else None,
                amount=amount,
                payment_id=payment_id,
                detail=detail or "",
                method=_text(record.method) if record else None,
                unreadable=None if readable else where,
            )
        )
    for where, record in records:
        if record.is_legacy:
            # The old system wrote no audit entries: its records stand for their own.
            patron_id = _text(record.patron_id)
            counts = _counts(record)
            if not counts:
                notes.append((where, "a value of another type"))
            rows.append(
                AuditRow(
                    at=_text(record.timestamp) or "",
                    moment=clock.parse(_text(record.timestamp)),
                    operator=_text(record.operator) or "",
                    action=AuditAction.PAYMENT_LOGGED,
                    event_id=event_id,
                    event_title=title,
                    patron_id=patron_id,
                    patron_name=names.get(patron_id) if patron_id else None,
                    amount=_amount(record.amount)[0],
                    payment_id=None,
                    detail=_text(record.notes) or "",
                    legacy=True,
                    unreadable=None if counts else where,
                )
            )
    if notes:
        items.warn_once(event_id, notes)
    rows.sort(key=lambda row: row.sort_key, reverse=True)
    return rows


def _absent(value):
    return value.S is None and value.N is None and not value.is_other


def _text(value):
    """Text as stored, or None (absent, or of another type)."""
    return value.S


def _amount(value):
    """(Decimal cents or None, readable): absent is readable (None); another type, or a number out of
    money's range, is not (events.items.amount, the rule every read path uses)."""
    if value.N is None:
        return None, _absent(value)
    try:
        return items.amount({"N": value.N}), True
    except items.Unreadable:
        return None, False


def _counts(record):
    """Whether a record's money can be read (events.items.RecordItem.counts): amount, kind, patron."""
    amount, ok = _amount(record.amount)
    return (
        ok
        and amount is not None
        and record.kind.N is None
        and not record.kind.is_other
        and not (record.patron_id.N is not None or record.patron_id.is_other)
    )


def _unreadable_row(event_id, title, where):
    return AuditRow(
        at="",
        moment=None,
        operator="",
        action="",
        event_id=event_id,
        event_title=title,
        patron_id=None,
        patron_name=None,
        amount=None,
        payment_id=None,
        detail="",
        unreadable=where,
    )


def scan_events():
    """Every event as an audit_items.AuditItem: one Scan in SCAN_SEGMENTS parallel segments, projected."""
    from payments.audit_items import AuditItem  # with msgspec: only the audit's reads pay for the import

    return dynamodb.scan_items(
        Event, attributes=AUDIT_ATTRIBUTES, item_type=AuditItem, segments=SCAN_SEGMENTS, page_size=SCAN_PAGE_SIZE
    )


def audit_rows(*, filters, seen=None):
    """The filtered rows of every source, each source's in its own order (the page sorts them all):
    the events table (event by event as the Scan's pages arrive, newest first within each event), then
    the operators' own changes. The page's heap, counts and totals take rows from any.
    seen: an optional dict filled with event_id -> title for every event scanned.
    """
    yield from _event_rows(filters=filters, seen=seen)
    yield from _operator_rows(filters=filters)


def _event_rows(*, filters, seen):
    for item in scan_events():
        event_id = item.event_id.S
        if seen is not None:
            seen[event_id] = item.title.S or event_id
        if not filters.event_matches(event_id, item.title.S or event_id):
            continue
        for row in event_rows(item):
            if filters.matches(row):
                yield row


def _operator_rows(*, filters):
    if filters.event or filters.patron:
        return  # operator changes belong to no event and no patron
    for row in operator_rows():
        if filters.matches(row):
            yield row


def operator_rows():
    """Changes to operators (added, role, status, password, unlock) as audit rows without an event."""
    for entry in operator_audit_entries():
        yield AuditRow(
            at=entry.at,
            moment=entry.moment,
            operator=entry.operator,
            action=entry.action,
            event_id="",
            event_title="",
            patron_id=None,
            patron_name=None,
            amount=None,
            payment_id=None,
            detail=f"{entry.username}: {entry.detail}",
            subject=entry.username,
        )


def audit_page(*, filters, page=1, per_page=PER_PAGE):
    """One page of the filtered rows, newest first across all events, with counts and totals."""
    page = requested = max(1, page)
    totals = AuditTotals()
    events = {}
    count = 0

    def counted():
        nonlocal count
        for row in audit_rows(filters=filters, seen=events):
            count += 1
            totals.add(row)
            yield row

    # Only the newest page * per_page rows are kept, not every filtered row.
    newest = heapq.nlargest(page * per_page, counted(), key=lambda row: row.sort_key)
    last = max(1, -(-count // per_page))
    page = min(page, last)  # past the end: the last page (its rows are in the heap); the page says so
    rows = newest[(page - 1) * per_page : page * per_page]
    return AuditPage(
        rows=rows, count=count, number=page, per_page=per_page, totals=totals, events=events, requested=requested
    )
