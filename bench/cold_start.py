"""Cold start: a fresh process imports the handler and answers one payment-log event, ours vs the baseline.

Runs alternate (the first side swaps each round). Then one `python -X importtime` run of ours lists the
costliest imports of our path.

    python -m bench cold_start          (BENCH_COLD_RUNS=30 for more runs; default 12 per side)
"""

import os
import statistics
import tempfile
import time

from bench import report
from bench.lambda_common import Sides, seed
from tests.dynalite import Dynalite

TOP_IMPORTS = 15


def _cold(sides, side, event_id):
    """(process start to first answer, import seconds, first-call seconds) for one fresh process."""
    started = time.perf_counter()
    child = sides.spawn(side)
    first_call = child.call(sides.event(side, event_id))
    total = time.perf_counter() - started
    child.stop()
    return total, child.import_seconds, first_call


def _importtime(sides, event_id):
    """[(cumulative us, self us, module)] of one cold `-X importtime` run of ours, plus its total."""
    with tempfile.TemporaryFile("w+") as log:
        child = sides.spawn("scc", python_args=["-X", "importtime"], stderr=log)
        child.call(sides.event("scc", event_id))
        child.stop()
        log.seek(0)
        rows = []
        for line in log:
            if not line.startswith("import time:") or "imported package" in line:
                continue
            own, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
            rows.append((int(cumulative), int(own), name))
    return rows


def run():
    runs = int(os.environ.get("BENCH_COLD_RUNS", "12"))
    results = {"scc": [], "baseline": []}
    with Dynalite() as server, tempfile.TemporaryDirectory() as workdir:
        sides = Sides(server.endpoint, workdir)
        seed(sides.client, sides.table, [f"cold-{side}-{n}" for side in results for n in range(runs + 1)])
        _cold(sides, "scc", "cold-scc-0")  # warm the OS file cache for both sides' files
        _cold(sides, "baseline", "cold-baseline-0")
        for n in range(1, runs + 1):
            order = list(results) if n % 2 else list(reversed(results))
            for side in order:
                results[side].append(_cold(sides, side, f"cold-{side}-{n}"))
            print(f"    {n}/{runs} cold starts each", flush=True)
        imports = _importtime(sides, "cold-scc-0")

    def med(side, index):
        return statistics.median(r[index] for r in results[side]) * 1000

    ratio = med("scc", 0) / med("baseline", 0)
    import_ratio = med("scc", 1) / med("baseline", 1)
    call_ratio = med("scc", 2) / med("baseline", 2)
    verdict = "met" if ratio <= 1.5 else "missed"
    rows = "\n".join(
        f"| {side_name} | {med(side, 0):.0f} | {med(side, 1):.0f} | {med(side, 2):.1f} | "
        f"{min(r[0] for r in results[side]) * 1000:.0f}–{max(r[0] for r in results[side]) * 1000:.0f} |"
        for side, side_name in (("scc", "ours (Zappa → Django)"), ("baseline", "baseline (boto3)"))
    )
    total_us = sum(own for _, own, _ in imports)
    top = sorted(imports, reverse=True)[:TOP_IMPORTS]
    top_rows = "\n".join(f"| `{name.strip()}` | {cum / 1000:.1f} | {own / 1000:.1f} |" for cum, own, name in top)
    by_self = sorted(imports, key=lambda r: r[1], reverse=True)[:TOP_IMPORTS]
    self_rows = "\n".join(f"| `{name.strip()}` | {own / 1000:.1f} | {cum / 1000:.1f} |" for cum, own, name in by_self)
    body = f"""## Cold start: our Lambda vs the old single-file handler

{report.stamp("make bench BENCH=cold_start (python -m bench cold_start)")}

{runs} runs per side, alternating (the first side swaps each round), after one untimed run each to
warm the OS file cache. A run is a fresh `python` process that imports the handler and answers one
Function URL `POST /api/payment-log` (fresh payment on its own event) against one local dynalite.
Ours imports `scc.lambda_entry` with the production stage's `zappa_settings.py` on `sys.path` and
`INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT=1` (as deployed: Django is set up at import, in Lambda's
init phase); the baseline imports `bench/baseline_handler.py` (boto3 client at import).
"Total" is process start to the first answer (interpreter start included, the same for both);
"import" is measured inside the process from its first line; "first call" is the handler call.

| path | total median (ms) | import median (ms) | first call median (ms) | total range (ms) |
| --- | ---: | ---: | ---: | ---: |
{rows}
| ratio (ours / baseline) | **{ratio:.2f}x** | {import_ratio:.2f}x | {call_ratio:.2f}x | |

Target: at most 1.5x: **{verdict}**.

### Costliest imports of our path (`python -X importtime`, one cold run)

All imports of one cold run of ours (Zappa handler, Django set-up, first request): {total_us / 1000:.0f} ms
of import time in total (importtime's own overhead inflates it). By cumulative time (a module
includes what it imports):

| module | cumulative (ms) | self (ms) |
| --- | ---: | ---: |
{top_rows}

By self time:

| module | self (ms) | cumulative (ms) |
| --- | ---: | ---: |
{self_rows}
"""
    report.write_section("cold_start", body)
    print(body)
