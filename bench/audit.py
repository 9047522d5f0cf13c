"""Audit page and CSV at growing table sizes: wall time, peak Python memory (tracemalloc), Scan requests
and read capacity per view.

Starts its own in-memory dynalite, seeds events with raw BatchWriteItem (10 payments
each, with their audit entries), and requests /audit/ and /audit.csv through Django's
test client as a signed-in staff operator. Writes its section of BENCHMARKS.md.

    python -m bench audit            (BENCH_AUDIT_SIZES=100,1000 and BENCH_AUDIT_REPEAT=1 for a quick run)
"""

import os
import statistics
import time
import tracemalloc
import uuid

from bench import report
from bench.setup import django_against, signed_in_staff_client, sizes_from_env
from tests.dynalite import Dynalite

SIZES = (100, 1000, 5000)
PAYMENTS_PER_EVENT = 10


def event_item(n):
    """One event as other software writes it: roster, payments (+ payment_ids) and audit entries."""
    event_id = f"bench-{n:06d}"
    roster, payments, audit, ids = [], [], [], []
    for k in range(PAYMENTS_PER_EVENT):
        patron_id = f"p{k}"
        payment_id = str(uuid.UUID(int=n * 100 + k))
        at = f"2026-{1 + n % 12:02d}-{1 + k:02d}T{n % 24:02d}:{k:02d}:00.000+00:00"
        amount = f"{40 + k}.50"
        roster.append({"M": {"patron_id": {"S": patron_id}, "name": {"S": f"Patron {n}-{k}"}}})
        payments.append(
            {
                "M": {
                    "payment_id": {"S": payment_id},
                    "timestamp": {"S": at},
                    "operator": {"S": "alice" if k % 2 else "bob"},
                    "patron_id": {"S": patron_id},
                    "amount": {"N": amount},
                    "notes": {"S": "card at dock"},
                    "email_sent": {"BOOL": False},
                    "kind": {"S": "payment"},
                }
            }
        )
        audit.append(
            {
                "M": {
                    "at": {"S": at},
                    "operator": {"S": "alice" if k % 2 else "bob"},
                    "action": {"S": "payment.logged"},
                    "payment_id": {"S": payment_id},
                    "patron_id": {"S": patron_id},
                    "amount": {"N": amount},
                }
            }
        )
        ids.append(payment_id)
    return {
        "event_id": {"S": event_id},
        "title": {"S": f"Charter {n}"},
        "location": {"S": "Pier 66"},
        "starts_at": {"S": "2026-12-05T09:30:00-08:00"},
        "price": {"N": "45"},
        "roster": {"L": roster},
        "payments": {"L": payments},
        "payment_ids": {"SS": ids},
        "audit": {"L": audit},
    }


def seed(client, table, start, stop):
    items = [{"PutRequest": {"Item": event_item(n)}} for n in range(start, stop)]
    for i in range(0, len(items), 25):
        pending = {table: items[i : i + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


def measure(fn, repeat, *, summary=min):
    """(summary (best by default) of wall seconds over `repeat` untraced runs, peak traced bytes of one
    run, fn's result)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    best = summary(times)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return best, peak, result


class ScanMeter:
    """Scan requests and the read capacity DynamoDB reports for them (dynalite computes it as AWS does:
    the size of the items read, before projection, in 4 KB units per page, halved for eventually
    consistent reads)."""

    def __init__(self, client):
        self.requests = 0
        self.units = 0.0
        client.meta.events.register("after-call.dynamodb.Scan", self._count, unique_id="bench-scan-meter")

    def _count(self, parsed, **kwargs):
        self.requests += 1
        self.units += (parsed.get("ConsumedCapacity") or {}).get("CapacityUnits", 0)

    def reset(self):
        self.requests, self.units = 0, 0.0


def where_the_time_goes(raw, table, page, repeat):
    """The page's read, layer by layer, at the current table size: (label, median seconds) rows, alternating."""
    import msgspec

    from events.models import Event
    from payments import selectors
    from payments.audit_items import AuditItem
    from scc import dynamodb

    projection = {
        "ProjectionExpression": ", ".join(f"#a{i}" for i in range(len(selectors.AUDIT_ATTRIBUTES))),
        "ExpressionAttributeNames": {f"#a{i}": name for i, name in enumerate(selectors.AUDIT_ATTRIBUTES)},
    }

    class StartKeyOnly(msgspec.Struct):
        LastEvaluatedKey: msgspec.Raw = msgspec.Raw()

    start_key_only = msgspec.json.Decoder(StartKeyOnly)

    def keep_only_the_start_key(response_dict, **kwargs):
        key = start_key_only.decode(response_dict["body"]).LastEvaluatedKey
        response_dict["body"] = b'{"LastEvaluatedKey": %s}' % bytes(key) if key else b"{}"

    def botocore_scan(*, decode):
        if not decode:
            raw.meta.events.register("before-parse.dynamodb.Scan", keep_only_the_start_key, unique_id="bench-wire")
        try:
            start, items = None, 0
            while True:
                extra = {"ExclusiveStartKey": start} if start else {}
                response = raw.scan(TableName=table, Limit=selectors.SCAN_PAGE_SIZE, **projection, **extra)
                items += len(response.get("Items", ()))
                start = response.get("LastEvaluatedKey")
                if not start:
                    return items
        finally:
            raw.meta.events.unregister("before-parse.dynamodb.Scan", unique_id="bench-wire")

    def typed():
        items = dynamodb.scan_items(
            Event, attributes=selectors.AUDIT_ATTRIBUTES, item_type=AuditItem, page_size=selectors.SCAN_PAGE_SIZE
        )
        return sum(1 for _ in items)

    def one_segment_page():
        segments, selectors.SCAN_SEGMENTS = selectors.SCAN_SEGMENTS, 1
        try:
            return page()
        finally:
            selectors.SCAN_SEGMENTS = segments

    def models():
        return sum(
            1 for _ in Event.scan(attributes_to_get=selectors.AUDIT_ATTRIBUTES, page_size=selectors.SCAN_PAGE_SIZE)
        )

    layers = [
        (
            "DynamoDB (here dynalite) and HTTP: every page requested, its items not decoded",
            lambda: botocore_scan(decode=False),
        ),
        ("+ decoding into the audit's items (msgspec, `scc.dynamodb.scan_items`)", typed),
        ("+ rows, filters, counts, totals, heap, template: the page with 1 segment", one_segment_page),
        (f"the page as shipped: {selectors.SCAN_SEGMENTS} segments", page),
        ("instead of msgspec, botocore's parsing (raw typed maps), 1 segment", lambda: botocore_scan(decode=True)),
        ("botocore's parsing + PynamoDB models (how the page read before), 1 segment", models),
    ]
    times = {label: [] for label, _ in layers}
    for round_ in range(repeat):
        for label, fn in layers if round_ % 2 == 0 else layers[::-1]:
            started = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - started)
    return [(label, statistics.median(times[label])) for label, _ in layers]


def run():
    sizes = sizes_from_env("BENCH_AUDIT_SIZES", SIZES)
    repeat = int(os.environ.get("BENCH_AUDIT_REPEAT", "3"))
    lines = []
    with Dynalite() as server:
        django_against(server.endpoint, suffix=uuid.uuid4().hex[:8])
        from django.conf import settings

        from scc.dynamodb import raw_client

        client = signed_in_staff_client()
        raw = raw_client()
        meter = ScanMeter(raw)

        def page():
            response = client.get("/audit/")
            assert response.status_code == 200
            return len(response.content)

        def csv():
            response = client.get("/audit.csv")
            assert response.status_code == 200
            size = rows = 0
            for chunk in response.streaming_content:
                size += len(chunk)
                rows += chunk.count(b"\n")
            return size, rows - 1

        seeded = 0
        for size in sizes:
            seed(raw, settings.EVENTS_TABLE, seeded, size)
            seeded = size
            load = os.getloadavg()[0]
            page_time, page_peak, _ = measure(page, repeat, summary=statistics.median)
            csv_time, csv_peak, (csv_bytes, rows) = measure(csv, repeat, summary=statistics.median)
            assert rows == size * PAYMENTS_PER_EVENT, rows
            meter.reset()
            page()
            line = (
                f"| {size:,} | {rows:,} | {page_time:.2f} s | {page_peak / 2**20:.1f} MiB "
                f"| {csv_time:.2f} s | {csv_peak / 2**20:.1f} MiB | {csv_bytes / 2**20:.1f} MiB "
                f"| {meter.requests} | {meter.units:,.0f} | {load:.1f} |"
            )
            print("    " + line, flush=True)
            lines.append(line)
        layers_load = os.getloadavg()[0]
        layers = where_the_time_goes(raw, settings.EVENTS_TABLE, page, repeat)
        layer_lines = "\n".join(f"| {label} | {seconds:.2f} s |" for label, seconds in layers)
        print(layer_lines, flush=True)

    table = "\n".join(lines)
    from payments import selectors

    body = f"""## Audit trail: `/audit/` and `/audit.csv`

{report.stamp("make bench BENCH=audit (python -m bench audit)")}

Each event has a roster of 10, 10 payments (with `payment_ids`) and their 10 `payment.logged` audit
entries, seeded with raw `BatchWriteItem`; rows = events x 10. Requests go through Django's test client
as a signed-in staff operator with no filters (every row matches: the worst case; the first page). Time:
median of {repeat} runs; peak: one more run under `tracemalloc` (Python allocations, every thread's).
Scan requests and read units: one page view, as DynamoDB reports them (`ConsumedCapacity`, which dynalite
computes as DynamoDB does: the whole items read, 4 KB units per page, halved for eventually consistent
reads). Load: the machine's 1-minute load average when that size's runs began (2 cores, shared).

| events | rows | page time | page peak | CSV time | CSV peak | CSV size | Scan requests | read units | load |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{table}

Where the time of one read goes at {sizes[-1]:,} events, layer by layer (each a full read of the table,
median of {repeat} runs, the layers alternating; load {layers_load:.1f}):

| layer | time |
| --- | ---: |
{layer_lines}

- How it reads: one Scan in {selectors.SCAN_SEGMENTS} parallel segments (`SCAN_SEGMENTS`; Segment/TotalSegments),
  each in its own thread, {selectors.SCAN_PAGE_SIZE} items a page (`SCAN_PAGE_SIZE`), projected to the five
  attributes the audit needs; msgspec decodes each page's JSON straight into the small types of
  `payments.audit_items`, building only the fields the audit reads. The layers above say why: botocore's
  parser walks its shape model for every attribute value, and PynamoDB then builds a model per map.
- Memory does not grow with the table once it holds more than a few pages: at most 2 x segments + 1
  pages are alive (one per reader, as many waiting in the queue, the one being consumed). The page keeps
  only the newest `page x 50` rows (a heap) plus counts, totals and the event list for the filter's
  select; totals and counts cover every matching row.
- The CSV streams rows as the pages arrive: event by event, newest first within each event, no order
  across events (as before). The page sorts newest first across events.
- Read units grow with the table whatever the projection: DynamoDB charges a Scan for the whole items it
  reads. The projection saves bytes on the wire and decoding, not capacity.
"""
    report.write_section("audit", body)
    print(body)
