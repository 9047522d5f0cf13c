"""Cold start as Lambda runs it: the zip of `make package STAGE=staging`, extracted read-only beside only the
runtime's libraries, `python -S`, no bytecode writing, a fresh process per run (deploy/lambda_sandbox.py).

Ours answers each of three first requests (sign-in page, dispatch page signed in, payment-log); the old
single-file handler (bench/baseline_handler.py, zipped and compiled the same way) answers a payment-log.
Runs alternate (the first side swaps each round); medians. Then one `python -X importtime` run of ours.

    python -m bench cold_start          (BENCH_COLD_RUNS=30 for more runs; default 12 per side)
"""

import itertools
import os
import statistics
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path

from bench import report
from deploy.bytecode import add_bytecode
from deploy.lambda_sandbox import (
    Sandbox,
    first_requests,
    lambda_environment,
    payment_log_event,
    prepare_app,
    sign_in,
    stage_config,
)
from tests.dynalite import Dynalite
from tests.lambda_events import VIEWER_ORIGIN, body_text

ROOT = Path(__file__).resolve().parent.parent
STAGE = "staging"
ZIP = ROOT / "dist" / f"lambda-{STAGE}.zip"
LAMBDA_VENV = ROOT / "var" / "lambda" / "venv"
TOP_IMPORTS = 15
KINDS = ("sign-in page", "dispatch page", "payment-log")
BASELINE = "payment-log (old handler)"
NO_WARM_UP = {"SCC_LAMBDA_WARMUP": "0"}


def cold_label(kind):
    return f"{kind}, no init warm-up"


def build_zip():
    subprocess.run(["make", "--no-print-directory", "package", f"STAGE={STAGE}"], cwd=ROOT, check=True)
    site_packages = subprocess.run(
        [str(LAMBDA_VENV / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return site_packages


def baseline_zip(folder):
    """The old handler as its own Lambda zip: one file, with bytecode like ours."""
    path = Path(folder) / "baseline.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(ROOT / "bench" / "baseline_handler.py", "baseline_handler.py")
    add_bytecode(path)
    return path


class Runs:
    """Cold runs of both sandboxes: {side: [(total, CPU to the answer, init, first request)]} in seconds.

    Sides: ours for each kind, ours for each kind without the init warm-up, and the old handler.
    """

    def __init__(self, ours, baseline, prefix, cookies, token, baseline_token):
        self.ours, self.baseline = ours, baseline
        self.prefix, self.cookies, self.token, self.baseline_token = prefix, cookies, token, baseline_token
        self.sides = [*KINDS, *(cold_label(kind) for kind in KINDS), BASELINE]
        self.results = {side: [] for side in self.sides}

    def event(self, side, event_id):
        if side == BASELINE:
            return payment_log_event("/api/payment-log", self.baseline_token, event_id, str(uuid.uuid4())), 201
        kind = next(kind for kind in KINDS if side.startswith(kind))
        return first_requests(self.prefix, self.cookies, self.token, event_id, str(uuid.uuid4()))[kind]

    def cold(self, side, event_id, *, python_args=(), stderr=None, record=True):
        if side == BASELINE:
            box, handler, extra = self.baseline, "baseline_handler.lambda_handler", None
        else:
            box, handler, extra = self.ours, "scc.lambda_entry.lambda_handler", None
            if side not in KINDS:
                extra = NO_WARM_UP
        event, status = self.event(side, event_id)
        instance = box.spawn(handler, python_args=python_args, extra_env=extra, stderr=stderr)
        response = instance.call(event)
        instance.stop()
        if response["statusCode"] != status:
            raise RuntimeError(f"{side}: expected {status}, got {response['statusCode']}: {body_text(response)[:300]}")
        if record:
            self.results[side].append(
                (instance.first_answer, instance.first_answer_cpu, instance.init_seconds, instance.seconds)
            )

    def median_ms(self, side, index):
        return statistics.median(r[index] for r in self.results[side]) * 1000


def importtime_rows(runs, event_id):
    """[(cumulative us, self us, module)] of one `-X importtime` cold payment-log of ours."""
    with tempfile.TemporaryFile("w+") as log:
        runs.cold("payment-log", event_id, python_args=["-X", "importtime"], stderr=log, record=False)
        log.seek(0)
        rows = []
        for line in log:
            if not line.startswith("import time:") or "imported package" in line:
                continue
            own, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
            rows.append((int(cumulative), int(own), name))
    return rows


def run():
    count = int(os.environ.get("BENCH_COLD_RUNS", "12"))
    site_packages = build_zip()
    prefix = stage_config(STAGE).get("aws_environment_variables", {}).get("SCC_URL_PREFIX", "")
    with Dynalite() as dynamodb, tempfile.TemporaryDirectory() as scratch:
        environment = lambda_environment(
            STAGE, endpoint=dynamodb.endpoint, suffix=uuid.uuid4().hex[:8], viewer_origin=VIEWER_ORIGIN
        )
        baseline_environment = {key: environment[key] for key in environment if key.startswith("AWS_")}
        baseline_environment.update(
            SCC_DYNAMODB_HOST=environment["SCC_DYNAMODB_HOST"],
            SCC_EVENTS_TABLE=environment["SCC_EVENTS_TABLE"],
            BASELINE_SECRET="baseline-secret",
        )
        ours = Sandbox(ZIP, site_packages=site_packages, environment=environment)
        baseline = Sandbox(baseline_zip(scratch), site_packages=site_packages, environment=baseline_environment)
        with ours, baseline:
            fresh = (f"cold-{n}" for n in itertools.count())  # a fresh event for every payment-log
            prepare_app(ours, [f"cold-{n}" for n in range(3 * (count + 2))])
            instance = ours.spawn()
            cookies, token = sign_in(instance, prefix)
            instance.stop()
            os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")  # the module builds a client on import
            from bench.baseline_handler import make_token

            runs = Runs(ours, baseline, prefix, cookies, token, make_token("bench"))
            for side in runs.sides:  # warm the OS file cache for every side's files
                runs.cold(side, next(fresh) if "payment-log" in side else None, record=False)
            for n in range(1, count + 1):
                for side in runs.sides if n % 2 else reversed(runs.sides):
                    runs.cold(side, next(fresh) if "payment-log" in side else None)
                print(f"    {n}/{count} cold starts of each", flush=True)
            imports = importtime_rows(runs, next(fresh))
            ours.assert_unchanged()
            baseline.assert_unchanged()
    body = section(runs, imports, count)
    report.write_section("cold_start", body)
    print(body)


def section(runs, imports, count):
    zip_mib = ZIP.stat().st_size / 2**20
    rows = []
    for side in (*KINDS, BASELINE):
        results = runs.results[side]
        low, high = (f(r[0] for r in results) * 1000 for f in (min, max))
        rows.append(
            f"| {side} | {runs.median_ms(side, 0):.0f} | {runs.median_ms(side, 1):.0f} | "
            f"{runs.median_ms(side, 2):.0f} | {runs.median_ms(side, 3):.1f} | {low:.0f}–{high:.0f} |"
        )
    moved = []
    for kind in KINDS:
        off = cold_label(kind)
        moved.append(
            f"| {kind} | {runs.median_ms(off, 2):.0f} → {runs.median_ms(kind, 2):.0f} | "
            f"{runs.median_ms(off, 3):.1f} → {runs.median_ms(kind, 3):.1f} | "
            f"{runs.median_ms(off, 0):.0f} → {runs.median_ms(kind, 0):.0f} |"
        )
    ratio = runs.median_ms("payment-log", 0) / runs.median_ms(BASELINE, 0)
    cpu_ratio = runs.median_ms("payment-log", 1) / runs.median_ms(BASELINE, 1)
    verdict = "met" if ratio <= 1.5 else "missed"
    total_us = sum(own for _, own, _ in imports)
    top = sorted(imports, reverse=True)[:TOP_IMPORTS]
    top_rows = "\n".join(f"| `{name.strip()}` | {cum / 1000:.1f} | {own / 1000:.1f} |" for cum, own, name in top)
    by_self = sorted(imports, key=lambda r: r[1], reverse=True)[:TOP_IMPORTS]
    self_rows = "\n".join(f"| `{name.strip()}` | {own / 1000:.1f} | {cum / 1000:.1f} |" for cum, own, name in by_self)
    return f"""## Cold start from the Lambda zip: our Lambda vs the old single-file handler

{report.stamp("make bench BENCH=cold_start (python -m bench cold_start)")}

As Lambda runs it (`deploy/lambda_sandbox.py`): `make package STAGE=staging` ({zip_mib:.1f} MiB, with
bytecode) extracted to a folder made unwritable, with `PYTHONDONTWRITEBYTECODE=1`; a second folder
holds only the runtime's libraries (boto3, botocore, s3transfer, jmespath, dateutil, six, urllib3,
with their bytecode, as the python3.11 runtime ships them); `python -S -P` with just those two on
`sys.path` before the standard library; the staging stage's environment plus what an operator sets
(secret key, static bucket and domain, sender), against a local dynalite. Each run is a fresh process
that imports the entry point (`scc.lambda_entry.lambda_handler`, `INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT=1`
as deployed: Lambda's init phase) and answers one Function URL (payload 2.0) event. The old handler
(`bench/baseline_handler.py`) gets its own zip, compiled the same way, and the same payment-log (on an
event of the same size). {count} runs of each side, alternating (the order reverses each round), after
one untimed run each to warm the OS file cache; medians. "Total" is process start to the answer
(interpreter start included, the same for both); "CPU" the process's CPU time (user + system) up to
the answer, which other load on the machine disturbs less; "init" is measured inside the process from
its first line; "first request" is the handler call.

| request | total (ms) | CPU (ms) | init (ms) | first request (ms) | total range (ms) |
| --- | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

First payment-log, ours / old handler: **{ratio:.2f}x** (CPU: {cpu_ratio:.2f}x). Target: at most 1.5x: **{verdict}**.

What the init warm-up (`scc/warmup.py`) moves out of the first request: the same runs with
`SCC_LAMBDA_WARMUP=0` (Django still set up at init), medians, off → on:

| request | init (ms) | first request (ms) | total (ms) |
| --- | ---: | ---: | ---: |
{chr(10).join(moved)}

### Costliest imports of a cold payment-log (`python -X importtime`, one run from the zip)

{total_us / 1000:.0f} ms of import time in all (importtime's own overhead inflates it). By cumulative
time (a module includes what it imports):

| module | cumulative (ms) | self (ms) |
| --- | ---: | ---: |
{top_rows}

By self time:

| module | self (ms) | cumulative (ms) |
| --- | ---: | ---: |
{self_rows}
"""
