"""Dispatch page and event page as the table grows, against the raw Scan the dispatch page needs;
and how many payments one event can hold before DynamoDB's 400 KB item limit (HTTP 507).

Seeds events like bench/audit.py (10 payments with their audit entries each) with BatchWriteItem.
Pages go through Django's test client as a signed-in staff operator. The audit page and CSV at the
same sizes are bench/audit.py's section.

    python -m bench scaling          (BENCH_SCALING_SIZES=100,1000 and BENCH_SCALING_REPEAT=1 for a quick run)
"""

import os
import time
import uuid
from decimal import Decimal

from bench import report
from bench.audit import event_item, measure, seed
from bench.setup import django_against, signed_in_staff_client, sizes_from_env
from tests.dynalite import Dynalite

SIZES = (100, 1000, 5000)
FULL_ROSTER = 20
# The dispatch page's views when most events are past: 25 upcoming events and a growing past.
UPCOMING_EVENTS = 25
VIEW_SIZES = (25, 1000, 5000)
VIEWS = {
    "Upcoming (`/`)": "/",
    "Past": "/?show=past",
    "All": "/?show=all",
    "Outstanding balance": "/?show=owing",
    "Search (upcoming)": "/?q=patron+7-3",
}


CHUNK = 50


def _prefill(client, table, event_id):
    """Append records shaped as the service writes them, CHUNK per UpdateItem, until a chunk no longer fits.

    Only to save time (the service re-reads the growing item twice per payment); the last
    payments, up to the refusal, go through the service.
    """
    logged = 0
    while True:
        records, entries, ids = [], [], []
        for k in range(logged, logged + CHUNK):
            pid, at = str(uuid.uuid4()), "2026-11-27T05:00:00.000+00:00"
            common = {"operator": {"S": "bench"}, "patron_id": {"S": f"p{k % FULL_ROSTER}"}, "amount": {"N": "45.00"}}
            records.append(
                {
                    "M": {
                        "payment_id": {"S": pid},
                        "timestamp": {"S": at},
                        **common,
                        "notes": {"S": "card at dock"},
                        "email_sent": {"BOOL": False},
                        "kind": {"S": "payment"},
                    }
                }
            )
            entries.append(
                {"M": {"at": {"S": at}, "action": {"S": "payment.logged"}, "payment_id": {"S": pid}, **common}}
            )
            ids.append(pid)
        try:
            client.update_item(
                TableName=table,
                Key={"event_id": {"S": event_id}},
                UpdateExpression="SET payments = list_append(if_not_exists(payments, :e), :p), "
                "audit = list_append(if_not_exists(audit, :e), :a) ADD payment_ids :ids",
                ExpressionAttributeValues={
                    ":e": {"L": []},
                    ":p": {"L": records},
                    ":a": {"L": entries},
                    ":ids": {"SS": ids},
                },
            )
        except client.exceptions.ClientError:
            return logged
        logged += CHUNK


def _fill_event(client, table, event_id):
    """Log payments through the service until the item is full; (payments logged, item bytes or None)."""
    from accounts.models import OperatorUser
    from events.errors import EventTooLarge
    from events.models import Event
    from payments import services

    roster = [
        {"M": {"patron_id": {"S": f"p{k}"}, "name": {"S": f"Patron {k}"}, "email": {"S": f"patron{k}@example.com"}}}
        for k in range(FULL_ROSTER)
    ]
    client.put_item(
        TableName=table,
        Item={
            "event_id": {"S": event_id},
            "title": {"S": "Full charter"},
            "location": {"S": "Pier 66"},
            "starts_at": {"S": "2030-12-05T09:30:00-08:00"},
            "price": {"N": "45"},
            "roster": {"L": roster},
        },
    )
    operator = OperatorUser("bench", "admin")
    logged = _prefill(client, table, event_id)
    print(f"    full event: {logged} payments appended raw; now through the service", flush=True)
    started = time.perf_counter()
    while True:
        try:
            services.log_payment(
                operator=operator,
                event_id=event_id,
                patron_id=f"p{logged % FULL_ROSTER}",
                amount=Decimal("45.00"),
                notes="card at dock",
            )
        except EventTooLarge:
            break
        logged += 1
        if logged % 200 == 0:
            print(f"    full event: {logged} payments logged ({time.perf_counter() - started:.0f} s)", flush=True)
    item = Event.get(event_id, consistent_read=True)
    return logged, item


def _dated_item(n, start):
    item = event_item(n)
    item["starts_at"] = {"S": start.isoformat(timespec="seconds")}
    return item


def _seed_dated(client, table, numbers, start_of):
    items = [{"PutRequest": {"Item": _dated_item(n, start_of(n))}} for n in numbers]
    for i in range(0, len(items), 25):
        pending = {table: items[i : i + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


class _WireMeter:
    """On the events table, on the wire: Scan requests, items read (ScannedCount) and sent back (Count);
    items a BatchGetItem sent (the page's cards); and both kinds of responses' bytes."""

    HOOKS = ("after-call.dynamodb.Scan", "after-call.dynamodb.BatchGetItem")

    def __init__(self, client, table):
        self.client, self.table = client, table
        self.scans = self.scanned = self.returned = self.cards = self.bytes = 0

    def _after(self, http_response, parsed, model, **kwargs):
        if model.name == "Scan":
            self.scans += 1
            self.scanned += parsed.get("ScannedCount", 0)
            self.returned += parsed.get("Count", 0)
        else:
            self.cards += len(parsed.get("Responses", {}).get(self.table, []))
        self.bytes += len(http_response.content)

    def __enter__(self):
        for hook in self.HOOKS:
            self.client.meta.events.register(hook, self._after, unique_id=f"bench-{hook}")
        return self

    def __exit__(self, *exc):
        for hook in self.HOOKS:
            self.client.meta.events.unregister(hook, unique_id=f"bench-{hook}")


def _dispatch_views(client, raw, repeat):
    """Rows for the views table: each view of the dispatch page at each size, with what crossed the wire."""
    from datetime import UTC, datetime, timedelta

    from django.conf import settings

    from scc.dynamodb import bind_models, create_missing_tables

    settings.EVENTS_TABLE = f"{settings.EVENTS_TABLE}-views"
    bind_models()
    create_missing_tables(report=lambda line: None)
    table = settings.EVENTS_TABLE
    now = datetime.now(UTC)
    _seed_dated(raw, table, range(UPCOMING_EVENTS), lambda n: now + timedelta(days=1 + n))
    seeded, rows = UPCOMING_EVENTS, []
    for size in VIEW_SIZES:
        _seed_dated(raw, table, range(seeded, size), lambda n: now - timedelta(days=1 + n % 700, hours=n % 24))
        seeded = size
        for name, path in VIEWS.items():

            def fetch(path=path):
                response = client.get(path)
                assert response.status_code == 200
                return len(response.content)

            seconds, peak, _ = measure(fetch, repeat)
            with _WireMeter(raw, table) as meter:
                fetch()
            rows.append(
                f"| {size:,} | {name} | {seconds:.2f} s | {meter.scans} | {meter.scanned:,} | {meter.returned:,} "
                f"| {meter.cards} | {meter.bytes / 1024:,.0f} KiB | {peak / 2**20:.1f} MiB |"
            )
            print("    " + rows[-1], flush=True)
    return rows


def run():
    sizes = sizes_from_env("BENCH_SCALING_SIZES", SIZES)
    repeat = int(os.environ.get("BENCH_SCALING_REPEAT", "3"))
    lines = []
    with Dynalite() as server:
        django_against(server.endpoint, suffix=uuid.uuid4().hex[:8])
        from django.conf import settings

        from events.selectors import DISPATCH_ATTRIBUTES
        from scc.dynamodb import raw_client

        client = signed_in_staff_client()
        raw = raw_client()
        table = settings.EVENTS_TABLE

        def get(path):
            def fetch():
                response = client.get(path)
                assert response.status_code == 200
                return len(response.content)

            return fetch

        def raw_scan():
            # What the dispatch page must read: every event, projected, every page; parsed by botocore.
            items, start = 0, None
            names = {f"#a{i}": name for i, name in enumerate(DISPATCH_ATTRIBUTES)}
            while True:
                kwargs = {"ExclusiveStartKey": start} if start else {}
                page = raw.scan(
                    TableName=table,
                    ProjectionExpression=", ".join(names),
                    ExpressionAttributeNames=names,
                    **kwargs,
                )
                items += len(page["Items"])
                start = page.get("LastEvaluatedKey")
                if not start:
                    return items

        seeded = 0
        for size in sizes:
            seed(raw, table, seeded, size)
            seeded = size
            scan_time, scan_peak, scanned = measure(raw_scan, repeat)
            assert scanned == size, scanned
            page_time, page_peak, page_bytes = measure(get("/"), repeat)
            event_time, event_peak, _ = measure(get("/events/bench-000000/"), repeat)
            line = (
                f"| {size:,} | {scan_time:.2f} s | {page_time:.2f} s | **{page_time / scan_time:.2f}x** "
                f"| {page_peak / 2**20:.1f} MiB | {page_bytes / 1024:,.0f} KiB | {event_time * 1000:.0f} ms "
                f"| {event_peak / 2**20:.1f} MiB |"
            )
            print("    " + line, flush=True)
            lines.append(line)

        started = time.perf_counter()
        full_count, full = _fill_event(raw, table, "full-event")
        fill_seconds = time.perf_counter() - started
        full_time, full_peak, full_page = measure(get("/events/full-event/"), repeat)
        audit_entries = len(full.audit or [])
        view_lines = _dispatch_views(client, raw, repeat)  # on a table of its own, last

    at_1000 = next((line for line in lines if line.startswith("| 1,000 ")), None)
    verdict = ""
    if at_1000:
        ratio = float(at_1000.split("**")[1].rstrip("x"))
        met = "met" if ratio < 2 else "missed"
        verdict = f"Target (dispatch page at 1,000 events under 2x its raw Scan): **{met}** ({ratio:.2f}x)."
    body = f"""## Scaling: dispatch page and event page; how full an event can get

{report.stamp("make bench BENCH=scaling (python -m bench scaling)")}

Events as in the audit section (roster of 10, 10 payments with `payment_ids` and 10 audit entries
each), seeded with `BatchWriteItem`; pages through Django's test client as a signed-in staff operator.
"Raw Scan" is every event's card, as the dispatch page read it until it listed by id and start: a
paginated botocore Scan projected to `events.selectors.DISPATCH_ATTRIBUTES`, parsed, nothing else. The
page (Upcoming; every event here is upcoming) now Scans ids and starts and reads its 25 cards, so it
costs less than that Scan. The page's views with most events past: the next table.
Time: best of {repeat}; peak: one more run under `tracemalloc`. The audit page and CSV at these sizes:
see the audit section.

| events | raw Scan | dispatch page | page / Scan | page peak | page size | event page | event page peak |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(lines)}

{verdict}

### An event near the 400 KB item limit

Logging through `payments.services.log_payment` (what `POST /api/payment-log` calls) into one event
with a roster of {FULL_ROSTER}, each payment `45.00` with the note "card at dock" and its `payment.logged`
audit entry, until DynamoDB refused the write (`EventTooLarge`, HTTP 507): **{full_count} payments**
fit ({audit_entries} audit entries; filling took {fill_seconds:.0f} s: raw appends of {CHUNK} records
shaped as the service writes them until a chunk no longer fitted, then the service one payment at a
time up to the refusal). Each payment costs about
{400 * 1024 // max(full_count, 1)} bytes of the item (record ~190 B, audit entry ~150 B, its id in
`payment_ids` ~40 B); longer notes, voids and email entries use it up sooner, and a note of the
maximum 1,000 characters costs ~1 KB more.
Event page for that event: **{full_time * 1000:.0f} ms**, peak {full_peak / 2**20:.1f} MiB, page
{full_page / 2**20:.1f} MiB.
"""
    body += _views_report(view_lines, repeat)
    report.write_section("scaling", body)
    print(body)


def _cell(line, column):
    return line.strip("|").split("|")[column].strip()


def _views_report(lines, repeat):
    upcoming = [line for line in lines if "| Upcoming" in line]
    first, last = upcoming[0], upcoming[-1]
    return f"""
### The dispatch page's views when most events are past

{UPCOMING_EVENTS} upcoming events and a growing past (events shaped as above, starts spread over the two
years before now), in a table of their own; each view through Django's test client, time best of
{repeat}. On the wire, per page view: Scan requests, items DynamoDB **read** (`ScannedCount`), items it
**sent** back after the view's FilterExpression (`Count`), the **cards** the page then read (one
BatchGetItem), and the bytes of all those responses. The machine is shared with other work (2 cores):
times vary from run to run, most at the smallest sizes; the counts are exact.

| events | view | page time | Scans | read | sent | cards | wire | page peak |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(lines)}

Upcoming with no past events: {_cell(first, 2)}; with {int(_cell(last, 0).replace(",", "")) - UPCOMING_EVENTS:,}
past events: **{_cell(last, 2)}**. What the app receives, parses and builds barely moves
({_cell(first, 5)} then {_cell(last, 5)} items sent: the filter's one-day margin; {_cell(first, 6)} cards;
{_cell(first, 7)} then {_cell(last, 7)} on the wire); what DynamoDB reads grows with the table
({_cell(first, 4)} items read, then {_cell(last, 4)}, in {_cell(last, 3)} Scan requests).

What the design does, and its limits:
- **A Scan reads every item, whatever the filter.** DynamoDB reads (and charges read capacity for)
  each item before applying a FilterExpression, at most 1 MB per request, so the number of Scan
  requests, the read cost and DynamoDB's own time grow with the whole table, past events included.
  The time above that still grows with the past is that part (dynalite reading items from disk).
- **Projection and server-side FilterExpression cut what crosses the wire and what the app builds.**
  The Scan asks only for ids and starts (and, when searching, titles, locations and rosters).
  Upcoming also asks DynamoDB to drop starts before yesterday (starts are stored as local times with
  their offsets, so as text they sort by local date; a day's margin covers every offset, and the app
  then compares exactly): past events never reach the app. The page then reads its 25 cards in one
  BatchGetItem, and only those are summed by `ledger.reckon`. Past and All receive every event's id
  and start (tens of bytes each: newest first across pages needs them all). Outstanding balance reads
  each candidate's roster and payments in the Scan, since the balance decides the list; DynamoDB
  drops events without a price above 0 or without a roster first.
- **Search** matches case-insensitively in the app (DynamoDB's `contains` is case-sensitive), over
  what the view's filter sent.
- **What would make Upcoming cost the same at any table size: a global secondary index.** For
  example partition key `dispatch_bucket` (a constant, or the month, to spread writes) and sort key
  `starts_at_utc` (UTC ISO 8601 sorts in time order; local times with offsets do not); the page would
  Query `starts_at_utc >= now` with `Limit=25` and read 25 items however long the past, and Past
  would Query backwards. It takes: an `UpdateTable` adding the index to the shared table, which
  `dynamodb_setup` never does (it never alters an existing table), so a one-off migration agreed
  with the table's other users (the index back-fills online); the app writing both attributes on
  every create and edit; a back-fill of existing items; and the other software writing them too,
  or accepting that its events are missing from the index (an index only holds items that have its
  keys). Search and Outstanding balance would still Scan, or need a search index and a stored,
  maintained balance flag.
"""
