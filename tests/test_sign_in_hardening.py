"""Sign-in under attack: parallel bursts get at most 5 passwords checked; locked, real and unknown names
cost the same work (hashes and DynamoDB requests, counted, never timed); the lock holds across processes."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from accounts import selectors
from accounts.models import Counter
from tests.conftest import PASSWORD, add_operator
from tests.dynalite import ROOT, free_port, local_env
from tests.hashers import CountingPBKDF2PasswordHasher

BURST = 20


@pytest.fixture
def production_hasher(tables, settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.CountingPBKDF2PasswordHasher"]
    add_operator("carol", "admin")
    CountingPBKDF2PasswordHasher.reset()
    return CountingPBKDF2PasswordHasher


@pytest.fixture
def counting_hasher(tables, settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapCountingPBKDF2PasswordHasher"]
    add_operator("carol", "admin")
    CountingPBKDF2PasswordHasher.reset()
    return CountingPBKDF2PasswordHasher


def attempt(username, password="wrong password"):
    body = json.dumps({"username": username, "password": password})
    response = Client().post("/api/login", body, content_type="application/json")
    return response.status_code, response.json()


def lock(username):
    for _ in range(5):
        assert attempt(username)[0] == 401
    assert attempt(username)[0] == 429


def settle(username):
    """Make a lock one set a while ago: its last counted attempt older than LOGIN_IN_FLIGHT_SECONDS, so no
    attempt of it can still be in flight (otherwise an attempt past the limit waits a moment for them)."""
    Counter(f"login#{username}").update(actions=[Counter.last_hit.set(0)])


def burst(attempts):
    """Send every (username, password) at once, one thread each, released together; the answers' statuses."""
    start = threading.Barrier(len(attempts))
    statuses = [None] * len(attempts)

    def send(n, username, password):
        start.wait()
        statuses[n] = attempt(username, password)[0]

    threads = [threading.Thread(target=send, args=(n, *a)) for n, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# Bursts ------------------------------------------------------------------------------------------


def test_a_parallel_burst_gets_exactly_five_passwords_checked(counting_hasher):
    statuses = burst([("carol", f"guess {n}") for n in range(BURST)])
    assert len(counting_hasher.checked) == 5  # against carol's hash: the lock's whole budget
    assert len(counting_hasher.computed) == BURST  # and every attempt cost one hash, refused or not
    assert sorted(statuses) == [401] * 5 + [429] * (BURST - 5)
    assert selectors.operator_row("carol").locked_until is not None


def test_the_right_password_inside_a_burst_after_the_lock_does_not_sign_in(counting_hasher):
    burst([("carol", f"guess {n}") for n in range(BURST)])
    counting_hasher.reset()
    mixed = [("carol", PASSWORD if n % 2 else f"guess {n}") for n in range(BURST)]
    assert burst(mixed) == [429] * BURST
    assert counting_hasher.checked == []
    assert len(counting_hasher.computed) == BURST
    assert selectors.get_operator("carol").live_sessions() == {}  # no session or token was made


def test_a_burst_of_right_passwords_all_sign_in(counting_hasher, settings):
    # More at once than the lock's budget: those past it wait for the ones in flight, which clear the count.
    settings.LOGIN_IN_FLIGHT_SECONDS = 10
    statuses = burst([("carol", PASSWORD)] * 12)
    assert statuses == [200] * 12
    assert len(counting_hasher.checked) == 12
    assert len(selectors.get_operator("carol").live_sessions()) == 12


def test_a_burst_of_wrong_passwords_among_right_ones_still_gets_five_checked_at_most(counting_hasher, settings):
    settings.LOGIN_IN_FLIGHT_SECONDS = 10
    statuses = burst([("carol", PASSWORD if n < 4 else f"guess {n}") for n in range(20)])
    signed_in = statuses.count(200)
    wrong_checked = len(counting_hasher.checked) - signed_in
    # Five wrong ones at most, and five more after each right one (a success ends a run of failures).
    assert signed_in <= 4 and wrong_checked <= 5 * (1 + signed_in)
    assert statuses.count(401) == wrong_checked and statuses.count(429) == 20 - signed_in - wrong_checked


def test_unknown_names_get_the_same_budget_under_a_burst(counting_hasher):
    statuses = burst([("ghost", f"guess {n}") for n in range(BURST)])
    assert sorted(statuses) == [401] * 5 + [429] * (BURST - 5)
    assert counting_hasher.checked == [] and len(counting_hasher.computed) == BURST
    assert selectors.get_operator("ghost") is None


def test_bursts_on_many_names_at_once_each_get_five(counting_hasher):
    for name in ("dana", "erin"):
        add_operator(name, "staff")
    counting_hasher.reset()
    names = ["carol", "dana", "erin", "ghost"]
    statuses = burst([(names[n % 4], f"guess {n}") for n in range(4 * 10)])
    assert len(counting_hasher.checked) == 3 * 5  # five per real name
    assert statuses.count(401) == 4 * 5


# The same cost whatever the name ------------------------------------------------------------------


def test_unknown_user_wrong_password_and_locked_compute_the_same_full_strength_hash(production_hasher):
    lock("dana")  # a name locked beforehand (unknown: locks work the same for any name)
    settle("dana")
    costs = {}
    for username in ("carol", "nobody", "dana"):
        production_hasher.reset()
        attempt(username)
        costs[username] = list(production_hasher.computed)
    assert costs["carol"] == costs["nobody"] == costs["dana"]
    assert len(costs["carol"]) == 1 and costs["carol"][0] >= 1_000_000  # Django 5.2's default iterations


def test_locked_real_and_unknown_names_cost_the_same_requests_and_hashes(counting_hasher, wire):
    add_operator("lockedreal", "staff")
    lock("lockedreal")
    lock("lockedghost")
    settle("lockedreal")
    settle("lockedghost")
    for username in ("carol", "nobody"):  # each name's first attempt starts its count: compare the ones after
        attempt(username)
    costs = {}
    for username in ("carol", "nobody", "lockedreal", "lockedghost"):
        counting_hasher.reset()
        wire.clear()
        status, body = attempt(username)
        costs[username] = (status, body, len(counting_hasher.computed), dict(wire))
    assert costs["carol"] == costs["nobody"]
    assert costs["lockedreal"] == costs["lockedghost"]
    status, body, hashes, calls = costs["carol"]
    assert (status, body) == (401, {"ok": False, "error": "Invalid username or password."})
    assert costs["lockedreal"][:2] == (
        429,
        {"ok": False, "error": "Too many failed sign-in attempts. Try again in 15 minutes."},
    )
    # Every one: one hash, one BatchGetItem (the operator and the name's counter), one conditional UpdateItem.
    expected = {("BatchGetItem", "counters+operators"): 1, ("UpdateItem", "counters"): 1}
    assert [cost[2:] for cost in costs.values()] == [(1, expected)] * 4


def test_an_attempt_right_after_the_lock_waits_for_attempts_in_flight_reading_only(counting_hasher, wire):
    for _ in range(5):
        assert attempt("carol")[0] == 401
    counting_hasher.reset()
    wire.clear()
    assert attempt("carol", PASSWORD)[0] == 429
    # The count reached the limit a moment ago: it watched it (reads, no writes) before refusing.
    assert wire[("BatchGetItem", "counters+operators")] == 1 and wire[("UpdateItem", "counters")] == 1
    assert wire[("GetItem", "counters")] >= 1
    assert set(wire) == {("BatchGetItem", "counters+operators"), ("UpdateItem", "counters"), ("GetItem", "counters")}
    assert counting_hasher.checked == []


def test_a_right_password_costs_one_check_and_records_the_sign_in(counting_hasher, wire):
    wire.clear()
    assert attempt("carol", PASSWORD)[0] == 200
    assert len(counting_hasher.checked) == 1
    assert wire == {
        ("BatchGetItem", "counters+operators"): 1,
        ("UpdateItem", "counters"): 1,  # the attempt reserved
        ("UpdateItem", "operators"): 1,  # the token id added, the last sign-in
        ("DeleteItem", "counters"): 1,  # the failure count cleared
    }


# Across processes ----------------------------------------------------------------------------------


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
