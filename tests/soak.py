"""Concurrency soak: workers mixing payment-log, notify, void and waiver signing on one event.

`make soak` (python -m tests.soak [SECONDS] [WORKERS]) starts its own dynalite and runs 30 s with
8 workers; tests/test_soak.py runs the same workers for a fixed number of actions each, so the
work done does not depend on how busy the machine is. Requests go through the whole
Django stack (test Client, one per worker) to dynalite over HTTP. Afterwards `check()` asserts:
every accepted write is in the item exactly once, payment_ids equals the ledger's ids, and the
audit entries match the accepted actions one for one.
"""

import json
import logging
import random
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

EVENT_ID = "soak"
MIX = [("log", 50), ("notify", 20), ("void", 15), ("waiver", 15)]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    payments: list = field(default_factory=list)  # accepted payment ids (201)
    replays: int = 0
    voids: dict = field(default_factory=dict)  # voided payment id -> void id
    notified: Counter = field(default_factory=Counter)  # payment id -> 200 answers
    signed: list = field(default_factory=list)  # emails accepted (302)
    statuses: Counter = field(default_factory=Counter)  # (action, status)


def seed(raw_client, table):
    from tests.factories import event_item, patron

    roster = [patron(f"p{n}", f"Patron {n}", f"p{n}@example.com") for n in range(5)]
    raw_client.put_item(TableName=table, Item=event_item(EVENT_ID, days=30, roster=roster, other={"S": "keep me"}))


def worker(n, token, tally, more, seed_value):
    from django.test import Client

    rng = random.Random(seed_value)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    public = Client()
    actions, weights = zip(*MIX, strict=True)

    def post(path, body):
        return api.post(path, json.dumps(body), content_type="application/json")

    while more():
        action = rng.choices(actions, weights)[0]
        with tally.lock:
            known = list(tally.payments)
        if action == "log":
            pid = str(uuid.uuid4())
            replay = known and rng.random() < 0.1
            body = {"event_id": EVENT_ID, "patron_id": f"p{rng.randrange(5)}", "amount": "45.00", "payment_id": pid}
            response = post("/api/payment-log", body)
            if response.status_code == 201:
                with tally.lock:
                    tally.payments.append(pid)
                if replay:  # the same request again: 200 with the stored payment, no second record
                    again = post("/api/payment-log", body)
                    assert again.status_code == 200, again.content
                    with tally.lock:
                        tally.replays += 1
        elif action == "notify" and known:
            pid = rng.choice(known)
            response = post("/api/payment-notify", {"event_id": EVENT_ID, "payment_id": pid, "resend": True})
            if response.status_code == 200:
                with tally.lock:
                    tally.notified[pid] += 1
        elif action == "void" and known:
            pid = rng.choice(known)
            response = post("/api/payment-void", {"event_id": EVENT_ID, "payment_id": pid, "reason": "soak"})
            if response.status_code == 201:
                with tally.lock:
                    assert pid not in tally.voids, "voided twice"
                    tally.voids[pid] = response.json()["payment"]["payment_id"]
        elif action == "waiver":
            email = f"w{n}-{uuid.uuid4().hex[:10]}@example.com"
            form = {"full_name": "Soak Patron", "email": email, "phone": "", "agree": "on"}
            # A distinct client address each time: the per-client rate limit is not what this measures.
            response = public.post(f"/g/{EVENT_ID}/waiver", form, REMOTE_ADDR=f"10.{n}.{rng.randrange(256)}.1")
            if response.status_code == 302:
                with tally.lock:
                    tally.signed.append(email)
        else:
            continue
        with tally.lock:
            tally.statuses[(action, response.status_code)] += 1


def run(*, token, seconds=None, actions=None, workers=8, seed_value=0):
    """Run for `seconds` (make soak), or until each worker has drawn `actions` actions (the test)."""
    tally = Tally()
    failures = []

    def guarded(*args):
        # An exception in a thread is only printed: collect it, so a failed check inside a worker fails the run.
        try:
            worker(*args)
        except Exception as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=guarded, args=(n, token, tally, _budget(seconds, actions), seed_value * 1000 + n))
        for n in range(workers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.monotonic() - started
    if failures:
        raise AssertionError(f"{len(failures)} of {workers} workers failed") from failures[0]
    return tally


def _budget(seconds, actions):
    """A per-worker `more()`: true until the time or the number of actions is used up."""
    if (seconds is None) == (actions is None):
        raise ValueError("give seconds or actions")
    if seconds is not None:
        stop_at = time.monotonic() + seconds
        return lambda: time.monotonic() < stop_at
    left = iter(range(actions))
    return lambda: next(left, None) is not None


def check(item, tally):
    """The invariants; returns the item's payments for reporting."""
    payments = [p["M"] for p in item.get("payments", {}).get("L", [])]
    ids = [p["payment_id"]["S"] for p in payments]
    assert len(ids) == len(set(ids)), "a payment_id appears twice in the ledger"
    assert set(item.get("payment_ids", {}).get("SS", [])) == set(ids), "payment_ids differs from the ledger"
    logged = [p["payment_id"]["S"] for p in payments if p["kind"]["S"] == "payment"]
    voids = {p["voids"]["S"]: p["payment_id"]["S"] for p in payments if p["kind"]["S"] == "void"}
    assert sorted(logged) == sorted(tally.payments), "accepted payments and ledger differ"
    assert voids == tally.voids, "accepted voids and ledger differ"
    for p in payments:
        if p["kind"]["S"] == "payment":
            assert (p["email_sent"]["BOOL"] is True) == (p["payment_id"]["S"] in tally.notified)
            assert "email_claimed_at" not in p, "a send's claim was left behind"
    roster = [r["M"]["email"]["S"] for r in item["roster"]["L"]]
    signed = [e for e in roster if e.startswith("w")]
    assert sorted(signed) == sorted(tally.signed) and len(set(signed)) == len(signed), "roster and signings differ"
    assert set(item["roster_emails"]["SS"]) >= set(tally.signed)

    audit = [a["M"] for a in item.get("audit", {}).get("L", [])]
    by_action = Counter(a["action"]["S"] for a in audit)
    assert sorted(a["payment_id"]["S"] for a in audit if a["action"]["S"] == "payment.logged") == sorted(tally.payments)
    assert sorted(a["payment_id"]["S"] for a in audit if a["action"]["S"] == "payment.voided") == sorted(
        tally.voids.values()
    )
    sent = Counter(a["payment_id"]["S"] for a in audit if a["action"]["S"] == "email.sent")
    assert sent == tally.notified, "email.sent entries differ from accepted notifies"
    assert by_action["waiver.signed"] == len(tally.signed)
    assert set(by_action) <= {"payment.logged", "payment.voided", "email.sent", "waiver.signed"}, by_action
    assert item["other"] == {"S": "keep me"}, "another program's attribute was lost"
    # 507 is the documented answer once the item reaches DynamoDB's 400 KB cap.
    bad = {key: count for key, count in tally.statuses.items() if key[1] >= 500 and key[1] != 507}
    assert not bad, f"server errors: {bad}"
    return payments


def summary(tally, item):
    writes = len(tally.payments) + len(tally.voids) + sum(tally.notified.values()) + len(tally.signed)
    requests = sum(tally.statuses.values()) + tally.replays
    size_kb = len(json.dumps(item)) / 1024
    lines = [
        f"{tally.elapsed:.1f} s, {requests} requests ({requests / tally.elapsed:.0f}/s), "
        f"{writes} accepted writes ({writes / tally.elapsed:.0f}/s), item ~{size_kb:.0f} KB",
        f"accepted: {len(tally.payments)} payments (+{tally.replays} replays answered 200), {len(tally.voids)} voids, "
        f"{sum(tally.notified.values())} emails, {len(tally.signed)} waiver signings",
        "statuses: " + ", ".join(f"{a} {s}: {c}" for (a, s), c in sorted(tally.statuses.items())),
    ]
    return "\n".join(lines)


def main(seconds=30.0, workers=8):
    from bench.setup import django_against
    from tests.dynalite import Dynalite

    with Dynalite() as server:
        django_against(server.endpoint, suffix=uuid.uuid4().hex[:8])
        from django.conf import settings
        from django.test.utils import setup_test_environment

        from accounts import credentials, services
        from accounts.models import COMMAND_LINE
        from scc.dynamodb import raw_client

        setup_test_environment()  # locmem outbox
        logging.getLogger("django.request").setLevel(logging.ERROR)  # expected 4xx answers are not news
        raw = raw_client()
        seed(raw, settings.EVENTS_TABLE)
        services.add_operator(actor=COMMAND_LINE, username="soak", role="admin", password="soak-password-1")
        token = credentials.make_token(
            services.sign_in(username="soak", password="soak-password-1", kind="token").claim
        )
        print(f"==> soak: {workers} workers for {seconds:.0f} s on one event (dynalite {server.endpoint})", flush=True)
        tally = run(token=token, seconds=seconds, workers=workers)
        item = raw.get_item(TableName=settings.EVENTS_TABLE, Key={"event_id": {"S": EVENT_ID}}, ConsistentRead=True)
        check(item["Item"], tally)
        print(summary(tally, item["Item"]))
        print("invariants hold: every accepted write once, payment_ids == ledger ids, audit matches actions")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(float(args[0]) if args else 30.0, int(args[1]) if len(args) > 1 else 8)
