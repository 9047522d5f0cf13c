"""One Lambda "instance" for the benchmarks: a fresh process that imports a handler and answers events.

Usage: python bench/lambda_child.py scc|baseline SETTINGS_DIR < events.jsonl

scc: our entry (`scc.lambda_entry.lambda_handler`, as deployed) with the stage's
zappa_settings.py on sys.path, as tests/lambda_runner.py does. baseline: bench/baseline_handler.py.
The first stdout line gives the import time; then one line per event with the handler's time
(measured here, so pipe and JSON overhead stay out of it) and the response's status.
"""

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main():
    mode, settings_dir = sys.argv[1], sys.argv[2]
    out = sys.stdout
    sys.stdout = sys.stderr  # Zappa prints ("Instancing.."): keep stdout for results
    if mode == "scc":
        sys.path[:0] = [settings_dir, str(ROOT)]
        from scc.lambda_entry import lambda_handler
    else:
        sys.path.insert(0, str(ROOT))
        from bench.baseline_handler import lambda_handler
    out.write(json.dumps({"import_seconds": time.perf_counter() - STARTED}) + "\n")
    out.flush()
    for line in sys.stdin:
        event = json.loads(line)
        started = time.perf_counter()
        response = lambda_handler(event, None)
        elapsed = time.perf_counter() - started
        out.write(json.dumps({"seconds": elapsed, "status": response.get("statusCode"), "body": response.get("body")}))
        out.write("\n")
        out.flush()


if __name__ == "__main__":
    main()
