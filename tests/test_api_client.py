"""docs/api_client.py, the README's example client, run as a script against the app on a real port."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import Operator
from events.models import Event
from tests.conftest import PASSWORD

pytestmark = pytest.mark.wire

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "api_client.py"


def test_the_client_imports_only_requests_and_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(SCRIPT.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"requests"}


def test_the_client_signs_in_pays_retries_refunds_and_reads_the_balance(admin_user, app_server):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), app_server.url, admin_user],
        env={**os.environ, "SCC_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("signed in as alice (admin)")
    assert ": 201, paid 45.00" in lines[3]
    assert lines[4] == "retried it: 200, the stored payment, paid still 45.00"
    assert lines[5] == "refunded -10.00: 201"
    assert lines[6] == "balance of Robin Walker: paid 35.00, outstanding 10.00"

    event_id = lines[1].split()[2]
    event = Event.get(event_id, consistent_read=True)
    kinds = [record.kind for record in event.payments]
    assert kinds == ["payment", "refund"], "the retry logged nothing new"
    assert len(event.payment_ids) == 2
    # It signed out at the end: no live session or token is left on the operator's item.
    assert not (Operator.get(admin_user, consistent_read=True).sessions or {}).as_dict()

    # A refusal comes back as the API's error sentence and a non-zero exit.
    refused = subprocess.run(
        [sys.executable, str(SCRIPT), app_server.url, admin_user],
        env={**os.environ, "SCC_PASSWORD": "wrong password"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1
    assert "POST /api/login: 401 Invalid username or password." in refused.stderr
