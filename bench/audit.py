"""Audit page and CSV at growing table sizes: wall time and peak Python memory (tracemalloc).

Starts its own in-memory dynalite, seeds events with raw BatchWriteItem (10 payments
each, with their audit entries), and requests /audit/ and /audit.csv through Django's
test client as a signed-in staff operator.

    python -m bench audit [--sizes 100,1000,5000] [--repeat 3]
"""

import argparse
import os
import platform
import time
import tracemalloc
import uuid

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


def measure(fn, repeat):
    """(best wall seconds over `repeat` untraced runs, peak traced bytes of one run, fn's result)."""
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return best, peak, result


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench audit")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from scc import operators
    from scc.dynamodb import bind_models, configured_models
    from tests.dynalite import Dynalite

    setup_test_environment()
    server = Dynalite().start()
    try:
        settings.DYNAMODB_HOST = server.endpoint
        settings.EVENTS_TABLE = "bench-events"
        settings.OPERATORS_TABLE = "bench-operators"
        bind_models()
        for model in configured_models():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        operators.add_operator(username="bench", role="staff", password="bench password 123")
        client = Client()
        assert client.post("/login/", {"username": "bench", "password": "bench password 123"}).status_code == 302
        from events.models import Event

        raw = Event._get_connection().connection.client

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

        print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, dynalite in memory")
        print("| events | rows | page time | page peak | CSV time | CSV peak | CSV size |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        seeded = 0
        for size in sizes:
            seed(raw, settings.EVENTS_TABLE, seeded, size)
            seeded = size
            page_time, page_peak, _ = measure(page, args.repeat)
            csv_time, csv_peak, (csv_bytes, rows) = measure(csv, args.repeat)
            assert rows == size * PAYMENTS_PER_EVENT, rows
            print(
                f"| {size:,} | {rows:,} | {page_time:.2f} s | {page_peak / 2**20:.1f} MiB "
                f"| {csv_time:.2f} s | {csv_peak / 2**20:.1f} MiB | {csv_bytes / 2**20:.1f} MiB |",
                flush=True,
            )
    finally:
        server.stop()
    return 0
