"""Sign-in: unknown user and wrong password cost the same (counted); lockout holds across app processes."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from scc import operators
from tests.conftest import PASSWORD, events_table_calls
from tests.dynalite import ROOT, free_port, local_env
from tests.hashers import CountingPBKDF2PasswordHasher


@pytest.fixture
def production_hasher(tables, settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.CountingPBKDF2PasswordHasher"]
    settings.LOGIN_MAX_FAILURES = 10**6  # measure the checks, not the lock
    operators.add_operator(username="carol", role="admin", password=PASSWORD)
    CountingPBKDF2PasswordHasher.computed.clear()
    return CountingPBKDF2PasswordHasher.computed


@pytest.fixture
def counting_hasher(tables, settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapCountingPBKDF2PasswordHasher"]
    settings.LOGIN_MAX_FAILURES = 10**6
    operators.add_operator(username="carol", role="admin", password=PASSWORD)
    CountingPBKDF2PasswordHasher.computed.clear()
    return CountingPBKDF2PasswordHasher.computed


def attempt(username):
    body = json.dumps({"username": username, "password": "wrong password"})
    response = Client().post("/api/login", body, content_type="application/json")
    assert response.status_code == 401
    return response.json()


def test_unknown_user_and_wrong_password_compute_the_same_hash(production_hasher):
    # Deterministic: exactly one full-strength PBKDF2 per attempt on either path.
    attempt("carol")
    wrong = list(production_hasher)
    production_hasher.clear()
    attempt("nobody")
    assert production_hasher == wrong
    assert len(wrong) == 1 and wrong[0] >= 1_000_000  # Django 5.2's default iterations


def test_unknown_user_and_wrong_password_cost_the_same(counting_hasher, settings):
    # What a stopwatch would compare, counted: hashes (full strength: the test above) and DynamoDB
    # requests per attempt. An unknown name's first attempt also starts its rate-limit window:
    # compare the attempts after it.
    costs = {}
    for username in ("carol", "nobody"):
        attempt(username)
        counting_hasher.clear()
        with events_table_calls(settings.OPERATORS_TABLE) as calls:
            body = attempt(username)
        costs[username] = (body, list(counting_hasher), sorted(calls))
    assert costs["nobody"] == costs["carol"]
    body, hashes, calls = costs["carol"]
    assert body == {"ok": False, "error": "Invalid username or password."}
    assert len(hashes) == 1
    assert [operation for operation, _ in calls] == ["GetItem", "UpdateItem"]


def start_app(port, env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_listening(process, port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "app server exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"app on port {port} did not start")


def post_login(port, password):
    body = json.dumps({"username": "alice", "password": password}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/login", body, {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.wire  # two runserver processes
def test_lockout_holds_across_two_app_processes(admin_user, tables, dynalite_server):
    env = local_env(dynalite_server.endpoint)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        SCC_EVENTS_TABLE=tables.EVENTS_TABLE,
        SCC_OPERATORS_TABLE=tables.OPERATORS_TABLE,
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    ports = [free_port(), free_port()]
    apps = [start_app(port, env) for port in ports]
    try:
        for app, port in zip(apps, ports, strict=True):
            wait_listening(app, port)
        # Five failures, alternating between the two processes: neither saw five on its own.
        statuses = [post_login(ports[n % 2], "wrong password") for n in range(5)]
        assert statuses == [401] * 5
        assert [post_login(port, "wrong password") for port in ports] == [429, 429]
        assert [post_login(port, PASSWORD) for port in ports] == [429, 429]
    finally:
        for app in apps:
            app.terminate()
        for app in apps:
            app.wait(timeout=10)
