"""Reads across events for the audit trail.

One Scan of the events table, in parallel segments, projected to what the audit needs and decoded
straight from DynamoDB's JSON into small typed items (payments.audit_items); no per-event
follow-up requests. Rows are produced by generators: the CSV streams them as the Scan's pages
arrive (newest first within each event) and never holds the table; the page keeps only the rows
up to the page it shows (a bounded heap) plus counts and totals of every matching row. Operator
changes (stored on each operator's item, read through accounts.selectors) are a second source: one
more Scan, of the small operators table.
"""

import heapq
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from accounts.selectors import operator_audit_entries
from events.ledger import ZERO
from events.models import Event, money
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

    @property
    def net(self):
        return self.paid + self.voided + self.refunded

    def add(self, row):
        if row.action == AuditAction.PAYMENT_LOGGED:
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

    item: a payments.audit_items.AuditItem.
    """
    event_id = item.event_id.S
    title = item.title.S or event_id
    names = {p.M.patron_id.S: p.M.name.S for p in item.roster.L if p.M}
    records = [r.M for r in item.payments.L if r.M]
    by_id = {r.payment_id.S: r for r in records if r.payment_id.S}
    rows = []
    for value in item.audit.L:
        entry = value.M
        if entry is None:  # not a map: nothing the trail can show
            continue
        payment_id = entry.payment_id.S
        record = by_id.get(payment_id) if payment_id else None
        patron_id = entry.patron_id.S or (record.patron_id.S if record else None)
        action = entry.action.S or ""
        # Only rows that move money carry an amount: an email about a payment moves none.
        moves_money = action in PAYMENT_ACTIONS
        amount = (entry.amount.N or (record.amount.N if record else None)) if moves_money else None
        detail = entry.detail.S or (record.notes.S if record and action in PAYMENT_ACTIONS else None)
        rows.append(
            AuditRow(
                at=entry.at.S or "",
                moment=clock.parse(entry.at.S),
                operator=entry.operator.S or "",
                action=action,
                event_id=event_id,
                event_title=title,
                patron_id=patron_id,
                patron_name=names.get(patron_id) if patron_id else None,
                amount=None if amount is None else money(amount),
                payment_id=payment_id,
                detail=detail or "",
                method=record.method.S if record else None,
            )
        )
    for record in records:
        if record.is_legacy:
            # The old system wrote no audit entries: its records stand for their own.
            patron_id = record.patron_id.S
            rows.append(
                AuditRow(
                    at=record.timestamp.S or "",
                    moment=clock.parse(record.timestamp.S),
                    operator=record.operator.S or "",
                    action=AuditAction.PAYMENT_LOGGED,
                    event_id=event_id,
                    event_title=title,
                    patron_id=patron_id,
                    patron_name=names.get(patron_id) if patron_id else None,
                    amount=money(record.amount.N or 0),
                    payment_id=None,
                    detail=record.notes.S or "",
                    legacy=True,
                )
            )
    rows.sort(key=lambda row: row.sort_key, reverse=True)
    return rows


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
