"""Shared by the cold-start and warm benchmarks: both sides as Lambda processes on one dynalite.

"scc" is a process running our entry point (scc.lambda_entry) for the production stage (environment from
zappa_settings.json plus what an operator sets on the function); "baseline" runs
bench/baseline_handler.py. Both get Function URL (payload 2.0) payment-log events of the same size.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.lambda_events import ZAPPA, function_url_event, stage_environment

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "bench" / "lambda_child.py"
STAGE = "production"  # no URL prefix: both sides answer /api/payment-log
ROSTER = 10


def event_item(event_id):
    roster = [{"M": {"patron_id": {"S": f"p{k}"}, "name": {"S": f"Patron {k}"}}} for k in range(ROSTER)]
    return {
        "event_id": {"S": event_id},
        "title": {"S": f"Bench charter {event_id}"},
        "location": {"S": "Pier 66"},
        "starts_at": {"S": "2030-01-01T09:00:00-08:00"},
        "price": {"N": "45"},
        "roster": {"L": roster},
    }


def seed(client, table, event_ids):
    for event_id in event_ids:
        client.put_item(TableName=table, Item=event_item(event_id))  # new items only, a benchmark's own table


class Sides:
    """Tables, operator, tokens and environments for both sides, on a dynalite at `endpoint`."""

    def __init__(self, endpoint, workdir):
        from bench.setup import django_against

        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # the baseline module builds a client on import
        django_against(endpoint, suffix=uuid.uuid4().hex[:8])
        from django.conf import settings

        from accounts import credentials, services
        from accounts.models import COMMAND_LINE
        from bench import baseline_handler
        from scc.dynamodb import raw_client

        self.table = settings.EVENTS_TABLE
        self.client = raw_client()
        services.add_operator(actor=COMMAND_LINE, username="bench", role="admin", password="bench password 1")
        signed_in = services.sign_in(username="bench", password="bench password 1", kind="token")
        self.scc_token = credentials.make_token(signed_in.claim)
        self.baseline_token = baseline_handler.make_token("bench")
        common = {
            "SCC_DYNAMODB_HOST": endpoint,
            "SCC_EVENTS_TABLE": settings.EVENTS_TABLE,
            "AWS_REGION": "us-west-2",
            "AWS_DEFAULT_REGION": "us-west-2",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        }
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
        self.baseline_env = {**base, **common}
        self.scc_env = {
            **base,
            **stage_environment(STAGE).get("aws_environment_variables", {}),
            **common,
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the tokens above are signed with it
            "SCC_OPERATORS_TABLE": settings.OPERATORS_TABLE,
            "SCC_EMAIL_FROM": "dispatch@scc.test",
        }
        self.settings_dir = Path(workdir)
        subprocess.run(
            [ZAPPA, "save-python-settings-file", STAGE, "-q", "-s", str(ROOT / "zappa_settings.json")]
            + ["-o", "zappa_settings.py"],
            cwd=self.settings_dir,
            check=True,
            env={**self.scc_env, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
        )

    def event(self, side, event_id, patron_id="p1"):
        """A fresh payment-log event; both sides' events have the same body size."""
        token = self.scc_token if side == "scc" else self.baseline_token
        body = {
            "event_id": event_id,
            "patron_id": patron_id,
            "amount": "45.00",
            "notes": "card at dock",
            "payment_id": str(uuid.uuid4()),
        }
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        return function_url_event("POST", "/api/payment-log", headers=headers, body=json.dumps(body))

    def spawn(self, side, *, python_args=(), stderr=subprocess.DEVNULL):
        env = self.scc_env if side == "scc" else self.baseline_env
        return Child(side, self.settings_dir, env, python_args, stderr)


class Child:
    def __init__(self, side, settings_dir, env, python_args, stderr):
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, *python_args, str(CHILD), side, str(settings_dir)],
            cwd=settings_dir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        self.import_seconds = self._read()["import_seconds"]

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark child exited with {self.process.wait()}")
        return json.loads(line)

    def call(self, event):
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        result = self._read()
        if result["status"] != 201:
            raise RuntimeError(f"expected 201, got {result['status']}: {result['body']}")
        return result["seconds"]

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)
