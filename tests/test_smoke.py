"""smoke_check against the live app and against stand-ins for broken routing."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from deploy import smoke
from tests.dynalite import ROOT

S3_ERROR = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'
)


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
    assert len(api_rows) == 2 and all(row.split()[-1] == "ok" for row in api_rows), output
    assert failed is None, output
    assert "All 6 checks passed." in output


class StandIn:
    """A tiny server answering every request from a table of (status, content type, body), or of
    functions returning one (for answers that change over time)."""

    def __init__(self, answers, default=(404, "text/html", b"<h1>Not Found</h1>")):
        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                answer = answers.get(self.path, default)
                status, content_type, body = answer() if callable(answer) else answer
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


OLD_SHA = "1111111111111111111111111111111111111111"
NEW_SHA = "2222222222222222222222222222222222222222"
LOGIN = b'<html><title>Sign in - SCC Dispatch</title><link rel="stylesheet" href="/static/css/scc.abc.css"></html>'
JSON_401 = (401, "application/json", b'{"ok": false, "error": "Authentication required"}')


def healthy_app(healthz):
    """Every path answered as the app answers it; /healthz by the given function."""
    waiver = b'<!doctype html><html lang="en" data-app="scc"><title>Not found</title></html>'
    return {
        "/healthz": healthz,
        "/login/": (200, "text/html; charset=utf-8", LOGIN),
        "/api/payment-log": JSON_401,
        "/api/payment-notify": JSON_401,
        smoke.WAIVER_PROBE: (404, "text/html; charset=utf-8", waiver),
        "/static/css/scc.abc.css": (200, "text/css", b"body{}"),
    }


class Rollout:
    """/healthz of a function whose update settles after `stale` requests: the old version until then."""

    def __init__(self, stale):
        self.stale = stale
        self.requests = 0

    def __call__(self):
        self.requests += 1
        version = OLD_SHA if self.requests <= self.stale else NEW_SHA
        return 200, "application/json", json.dumps({"ok": True, "version": version}).encode()


class Clock:
    """Injected time: sleeping advances it at once, so a 120 s wait costs no real time."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_smoke_check_retries_while_the_old_version_answers_then_passes(stand_in):
    rollout, clock, said = Rollout(stale=3), Clock(), []
    server = stand_in(healthy_app(rollout))
    checks = smoke.run(server.url, expect_version=NEW_SHA, wait=120, say=said.append, clock=clock, sleep=clock.sleep)
    assert [check.name for check in checks if not check.ok] == []
    assert checks[0].name == "GET /healthz version" and checks[0].got == NEW_SHA[:12]
    assert clock.sleeps == [smoke.RETRY_SECONDS] * 3
    assert len(said) == 3 and all(f"version {OLD_SHA[:12]}, want {NEW_SHA[:12]}" in line for line in said)
    assert rollout.requests == 4 + 1  # four polls, then the plain /healthz check


def test_smoke_check_refuses_a_stale_version_once_its_wait_is_over(stand_in):
    rollout, clock = Rollout(stale=10**6), Clock()
    server = stand_in(healthy_app(rollout))
    checks = smoke.run(server.url, expect_version=NEW_SHA, wait=20, clock=clock, sleep=clock.sleep)
    failed = [check for check in checks if not check.ok]
    assert [check.name for check in failed] == ["GET /healthz version"]
    assert failed[0].got == OLD_SHA[:12]
    assert "not the commit just deployed" in failed[0].detail and "after 20 s" in failed[0].detail
    assert sum(clock.sleeps) == 20 and rollout.requests == 5 + 1  # bounded: polls at 0, 5, 10, 15, 20 s


def test_smoke_check_command_fails_saying_which_version_answers(stand_in):
    server = stand_in(healthy_app(Rollout(stale=10**6)))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "smoke_check", server.url, "--expect-version", NEW_SHA[:7], "--wait", "0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("GET /healthz version"))
    assert row.split()[3:6] == ["2222222", OLD_SHA[:12], "FAIL"]
    assert "not the commit just deployed" in row
    assert "smoke check failed: 1 of 7 checks" in result.stderr


def test_a_dirty_build_or_another_commit_is_not_the_version_expected():
    assert smoke.version_matches(NEW_SHA, NEW_SHA)
    assert smoke.version_matches(NEW_SHA, NEW_SHA[:7])
    assert not smoke.version_matches(NEW_SHA + "-dirty", NEW_SHA)
    assert not smoke.version_matches(NEW_SHA + "-dirty", NEW_SHA[:7])
    assert not smoke.version_matches(OLD_SHA, NEW_SHA[:7])
    assert not smoke.version_matches("dev", NEW_SHA)
    assert not smoke.version_matches(None, NEW_SHA)
    assert not smoke.version_matches(NEW_SHA, NEW_SHA[:6])  # too short to name a commit


def test_smoke_check_against_the_live_app_reporting_the_deployed_version(app_server, tables, settings):
    settings.VERSION = NEW_SHA
    out = StringIO()
    call_command("smoke_check", app_server.url, "--expect-version", NEW_SHA, "--wait", "0", stdout=out)
    output = out.getvalue()
    assert "All 7 checks passed." in output
    row = next(line for line in output.splitlines() if line.startswith("GET /healthz version"))
    assert row.split()[-1] == "ok"
