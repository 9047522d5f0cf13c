"""Warm payment-log: our Lambda (its entry point, scc.lambda_entry) against the old single-file handler.

One long-lived process per side on one dynalite; events alternate between the sides and each
side appends to its own events of the same sizes. Time is measured around the handler call inside
each process.

    python -m bench payment_log          (BENCH_WARM_REQUESTS=2000 for a longer run)
"""

import os
import statistics
import tempfile

from bench import report
from bench.lambda_common import Sides, seed
from tests.dynalite import Dynalite

EVENTS = 50  # payments spread over events, so lists grow the same on both sides
WARMUP = 20


def run():
    requests = int(os.environ.get("BENCH_WARM_REQUESTS", "500"))
    timings = {"scc": [], "baseline": []}
    with Dynalite() as server, tempfile.TemporaryDirectory() as workdir:
        sides = Sides(server.endpoint, workdir)
        for side in timings:
            seed(sides.client, sides.table, [f"warm-{side}-{n}" for n in range(EVENTS)])
        children = {side: sides.spawn(side) for side in timings}
        try:
            for n in range(WARMUP):
                for side, child in children.items():
                    child.call(sides.event(side, f"warm-{side}-{n % EVENTS}"))
            for n in range(requests):
                # Alternate, and swap who goes first, so both see the same load.
                order = list(children) if n % 2 == 0 else list(reversed(children))
                for side in order:
                    timings[side].append(children[side].call(sides.event(side, f"warm-{side}-{(n + WARMUP) % EVENTS}")))
                if (n + 1) % 100 == 0:
                    print(f"    {n + 1}/{requests} requests each", flush=True)
        finally:
            for child in children.values():
                child.stop()

    scc_median, scc_p95 = report.summary_ms(timings["scc"])
    base_median, base_p95 = report.summary_ms(timings["baseline"])
    ratio = scc_median / base_median
    verdict = "met" if ratio <= 1.25 else "missed"
    payments = (requests + WARMUP) // EVENTS
    body = f"""## Warm payment-log: our Lambda vs the old single-file handler

{report.stamp("make bench BENCH=payment_log (python -m bench payment_log)")}

{requests} Function URL (payload 2.0) `POST /api/payment-log` events per side after {WARMUP} warm-up
events, alternating (the first side swaps each round), one process per side, one local dynalite.
"Ours" is `scc.lambda_entry.lambda_handler` (the deployed entry point, production stage environment,
`DEBUG` off): middleware, validation, Bearer auth and the event's checks read together (one
consistent BatchGetItem: the operator from the operators table, the event projected to its roster
and payment ids), one conditional UpdateItem on the events table. "Baseline" is
`bench/baseline_handler.py`: HMAC token, one consistent GetItem projected to the roster, one
conditional `list_append` UpdateItem. Each side appends to its own {EVENTS} events (roster of 10), so
both read and write items of the same sizes (up to ~{payments} payments each). Time is taken inside the
process around the handler call; every event is fresh (own `payment_id`) and the same size on both sides.

| path | median (ms) | p95 (ms) | mean (ms) |
| --- | ---: | ---: | ---: |
| ours (entry point → Django) | {scc_median:.2f} | {scc_p95:.2f} | {statistics.mean(timings["scc"]) * 1000:.2f} |
| baseline (boto3) | {base_median:.2f} | {base_p95:.2f} | {statistics.mean(timings["baseline"]) * 1000:.2f} |
| ratio (ours / baseline) | **{ratio:.2f}x** | {scc_p95 / base_p95:.2f}x | |

Target: median at most 1.25x the baseline: **{verdict}**.
"""
    report.write_section("payment_log", body)
    print(body)
