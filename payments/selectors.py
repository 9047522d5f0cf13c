"""Reads across events for the audit trail.

One paginated Scan that projects only what the audit needs; no per-event
follow-up requests. Rows are produced by generators: the CSV streams them in
scan order (newest first within each event) and never holds the table; the
page keeps only the rows up to the page it shows (a bounded heap) plus counts.
"""

import heapq
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from events import items
from events.ledger import ZERO
from events.models import Event
from scc import clock, dynamodb
from scc.vocabulary import NEEDS_ATTENTION, AuditAction

AUDIT_ATTRIBUTES = ["event_id", "title", "roster", "payments", "audit"]
PAYMENT_ACTIONS = (AuditAction.PAYMENT_LOGGED, AuditAction.PAYMENT_VOIDED, AuditAction.PAYMENT_REFUNDED)
PER_PAGE = 50
SCAN_PAGE_SIZE = 100  # items per Scan page: bounds memory on any backend (AWS caps pages at 1 MB too)
_UNDATED = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
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

    def matches(self, row):
        if self.event and row.event_id != self.event:
            return False
        if self.operator and row.operator.casefold() != self.operator.casefold():
            return False
        if self.action and row.action != self.action:
            return False
        if self.patron and not _patron_matches(row, self.patron):
            return False
        if self.since and (row.moment is None or row.moment < self.since):
            return False
        return not (self.until and (row.moment is None or row.moment >= self.until))


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
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages


def event_rows(event):
    """One event's audit rows, newest first: its audit entries plus one synthesized row per legacy record.

    event: an events.items.EventItem. An entry or legacy record that cannot be read is a row saying so.
    """
    names = {p.patron_id: p.name for p in event.roster if p.patron_id}
    by_id = {r.payment_id: r for r in event.payments if r.payment_id}
    title = event.title or event.event_id
    rows = []
    for entry in event.audit:
        record = by_id.get(entry.payment_id) if entry.payment_id else None
        patron_id = entry.patron_id or (record.patron_id if record else None)
        amount = entry.amount if entry.amount is not None else (record.amount if record else None)
        detail = entry.detail or (record.notes if record and entry.action in PAYMENT_ACTIONS else None)
        unreadable = None if entry.readable and (record is None or record.counts) else entry.where
        rows.append(
            AuditRow(
                at=entry.at or "",
                moment=clock.parse(entry.at),
                operator=entry.operator or "",
                action=entry.action or "",
                event_id=event.event_id,
                event_title=title,
                patron_id=patron_id,
                patron_name=names.get(patron_id) if patron_id else None,
                amount=amount,
                payment_id=entry.payment_id,
                detail=detail or "",
                method=record.method if record else None,
                unreadable=unreadable,
            )
        )
    for record in event.payments:
        if record.is_legacy:
            # The old system wrote no audit entries: its records stand for their own.
            rows.append(
                AuditRow(
                    at=record.timestamp or "",
                    moment=clock.parse(record.timestamp),
                    operator=record.operator or "",
                    action=AuditAction.PAYMENT_LOGGED,
                    event_id=event.event_id,
                    event_title=title,
                    patron_id=record.patron_id,
                    patron_name=names.get(record.patron_id) if record.patron_id else None,
                    amount=record.amount_money,
                    payment_id=None,
                    detail=record.notes or "",
                    legacy=True,
                    unreadable=None if record.counts else record.where,
                )
            )
    rows.sort(key=lambda row: row.sort_key, reverse=True)
    return rows


def scan_events():
    """Every event, projected to the audit's attributes, as events.items reads them, page by page."""
    for raw in dynamodb.scan_raw(Event, attributes=AUDIT_ATTRIBUTES, page_size=SCAN_PAGE_SIZE):
        yield items.read_event(raw)


def audit_rows(*, filters, seen=None):
    """The filtered rows, event by event in scan order, newest first within each event.

    seen: an optional dict filled with event_id -> title for every event scanned.
    """
    for event in scan_events():
        if seen is not None:
            seen[event.event_id] = event.title or event.event_id
        if filters.event and event.event_id != filters.event:
            continue
        for row in event_rows(event):
            if filters.matches(row):
                yield row


def audit_page(*, filters, page=1, per_page=PER_PAGE):
    """One page of the filtered rows, newest first across all events, with counts and totals."""
    page = max(1, page)
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
    page = min(page, last)  # past the end: the last page (its rows are in the heap)
    rows = newest[(page - 1) * per_page : page * per_page]
    return AuditPage(rows=rows, count=count, number=page, per_page=per_page, totals=totals, events=events)
