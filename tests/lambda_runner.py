"""Run Lambda events through the entry point (scc.lambda_entry) or Zappa's own handler, one stage per process.

Usage: python tests/lambda_runner.py SETTINGS_DIR < events.jsonl
SETTINGS_DIR holds the stage's zappa_settings.py (`zappa save-python-settings-file`).
Each stdin line is {"entry": "scc" | "zappa", "event": {...}}; each stdout line is
the handler's response as JSON. LambdaHandler is a per-process singleton, which
is why a stage needs its own process.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    sys.path[:0] = [sys.argv[1], str(ROOT)]
    out = sys.stdout
    sys.stdout = sys.stderr  # Zappa prints ("Instancing.."): keep stdout for responses
    from zappa.handler import lambda_handler as zappa_lambda_handler

    from scc.lambda_entry import lambda_handler

    entries = {"scc": lambda_handler, "zappa": zappa_lambda_handler}
    for line in sys.stdin:
        request = json.loads(line)
        response = entries[request["entry"]](request["event"], None)
        out.write(json.dumps(response) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
