"""smoke_check against the live app and against stand-ins for broken routing."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import Resolver404, resolve

from deploy import smoke
from tests.dynalite import ROOT

S3_ERROR = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'
)


def _routed(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# POST /api/payment-log and /api/payment-notify are being added on the payments branch.
PAYMENT_API_ROUTED = _routed("/api/payment-log") and _routed("/api/payment-notify")


def test_smoke_check_passes_against_the_live_app(app_server, tables):
    out = StringIO()
    try:
        call_command("smoke_check", app_server.url, stdout=out)
        failed = None
    except CommandError as exc:
        failed = exc
    output = out.getvalue()
    for name in ("GET /healthz ", "GET /login/ ", "GET /g/<id>/waiver ", "GET /static/"):
        row = next(line for line in output.splitlines() if line.startswith(name))
        assert row.split()[-1] == "ok", output
    api_rows = [line for line in output.splitlines() if line.startswith("POST /api/payment-")]
    assert len(api_rows) == 2
    if PAYMENT_API_ROUTED:
        assert failed is None, output
        assert "All 6 checks passed." in output
    else:
        # Until the payments branch lands, these two rows are the routing failures the check exists to catch.
        assert all("routing failure" in row for row in api_rows), output
        assert str(failed) == "smoke check failed: 2 of 6 checks"


class StandIn:
    """A tiny server answering every request from a table of (status, content type, body)."""

    def __init__(self, answers, default=(404, "text/html", b"<h1>Not Found</h1>")):
        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                status, content_type, body = answers.get(self.path, default)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in():
    servers = []

    def start(answers=None):
        servers.append(StandIn(answers or {}))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_smoke_check_fails_with_routing_failure_when_everything_is_404(stand_in):
    server = stand_in()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "smoke_check", f"{server.url}/_staging"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["check", "expected", "got", "result"]
    api_rows = [line for line in lines if line.startswith("POST /api/payment-")]
    assert len(api_rows) == 2 and all("404" in row and "routing failure" in row for row in api_rows)
    assert "smoke check failed: 6 of 6 checks" in result.stderr


def test_smoke_check_catches_s3_answering_for_the_app(stand_in):
    login = b'<html><title>Sign in - SCC Dispatch</title><link rel="stylesheet" href="/static/css/scc.abc.css"></html>'
    json_401 = (401, "application/json", b'{"ok": false, "error": "Authentication required"}')
    server = stand_in(
        {
            "/healthz": (200, "application/json", b'{"ok": true}'),
            "/login/": (200, "text/html; charset=utf-8", login),
            "/api/payment-log": json_401,
            "/api/payment-notify": json_401,
            smoke.WAIVER_PROBE: (403, "application/xml", S3_ERROR),
            "/static/css/scc.abc.css": (200, "text/css", b"body{}"),
        }
    )
    checks = {check.name: check for check in smoke.run(server.url)}
    assert [name for name, check in checks.items() if not check.ok] == ["GET /g/<id>/waiver"]
    assert "answered by S3" in checks["GET /g/<id>/waiver"].detail
