"""Whatever other software stores, every read path answers: no 5xx, other events unharmed.

Hypothesis writes items with any DynamoDB value in every attribute the app reads (tests/shapes.py)
with raw boto3 beside a normal event, then fetches every page and export (dispatch in each view,
the event page, its edit page, roster CSV, GET /api/events/<id>, audit page and CSV, the waiver
page) and tries the writes that read the item first (log, notify and its email, void, refund,
roster add and check-in, edit, waiver signing). Each answer is below 500; the normal event still
shows its title and money; the CSV ends whole; a write that is refused leaves the item byte
for byte as it was, and one that is accepted keeps every value it does not own.

The short profile runs in `make test`; `make soak` runs the long one (SCC_SHAPES_EXAMPLES).
"""

import csv
import io
import json
import os
from collections import Counter
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from events.items import LISTS
from tests.conftest import signed_in_client, token_for
from tests.factories import event_item, legacy_payment, patron
from tests.shapes import event_items

EXAMPLES = int(os.environ.get("SCC_SHAPES_EXAMPLES", "60"))
NORMAL = "normal-event"
NORMAL_TITLE = "Charter normal-event"
APP_FIELDS = {"title", "location", "starts_at", "price", "capacity", "waiver_text", "version"}
APP_SETS = {"payment_ids", "roster_emails"}
# What a write may change inside an existing list element (the rest of it stays as stored).
ELEMENT_FIELDS = {
    "roster": {"name", "email", "phone", "checked_in_at", "cancelled_at", "cancel_reason"},
    "payments": {"email_sent", "email_sent_at", "email_claimed_at"},
    "audit": set(),
}


def seed_normal(raw_table):
    raw_table.put(
        event_item(
            NORMAL,
            roster=[patron("p1", "Ada", "ada@example.com")],
            payments=[legacy_payment("45")],  # the old system's: it has a row of its own in the audit
        )
    )


def harm(before, after, *, written):
    """What a write did to values it does not own: [] when nothing (all of the item when refused)."""
    if not written:
        return [] if before == after else ["the item changed although the write was refused"]
    problems = []
    for name, value in before.items():
        if name in APP_FIELDS or name in APP_SETS:
            continue
        if name in LISTS and "L" in value and "L" in after.get(name, {}):
            old, new = value["L"], after[name]["L"]
            if len(new) < len(old):
                problems.append(f"{name} lost elements")
            for i, element in enumerate(old[: len(new)]):
                if element != new[i] and not _only_app_fields_changed(element, new[i], ELEMENT_FIELDS[name]):
                    problems.append(f"{name}[{i}] changed")
        elif after.get(name) != value:
            problems.append(f"{name} changed")
    return problems


def _only_app_fields_changed(old, new, allowed):
    if "M" not in old or "M" not in new:
        return False
    keys = set(old["M"]) | set(new["M"])
    return all(old["M"].get(k) == new["M"].get(k) for k in keys - allowed)


class Run:
    """The clients and the tally of one run."""

    def __init__(self, raw_table, admin_user):
        self.raw = raw_table
        self.page = signed_in_client(admin_user)
        self.api = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")
        self.stats = Counter()

    def count(self, response, what):
        self.stats["requests"] += 1
        if response.status_code >= 500:
            self.stats["5xx"] += 1
        assert response.status_code < 500, (what, response.status_code, response.content[:300])
        return response

    def get(self, url, what=None):
        response = self.page.get(url)
        response.body = b"".join(response.streaming_content) if response.streaming else response.content
        return self.count(response, what or url)

    def write(self, event_id, method, url, body, *, client=None, **extra):
        before = self.raw.get(event_id)
        client = client or self.api
        if method == "PATCH":
            response = client.patch(url, json.dumps(body), content_type="application/json")
        elif client is self.api:
            response = client.post(url, json.dumps(body), content_type="application/json")
        else:
            response = client.post(url, body, **extra)
        self.count(response, (url, body))
        after = self.raw.get(event_id)
        problems = harm(before, after, written=response.status_code < 400)
        self.stats["items harmed"] += bool(problems)
        assert not problems, (url, body, problems)
        self.stats["writes accepted" if response.status_code < 400 else "writes refused"] += 1
        return response


def reads(run, event_id):
    """Every page and export, for the stored item and across the table."""
    for view in ("", "?show=all", "?show=past&q=a", "?show=owing", "?q=Ada"):
        run.get(f"/{view}")
    everything = run.get("/?show=all")
    assert NORMAL_TITLE in everything.content.decode(), "the normal event is missing from the dispatch page"
    event_page = run.get(reverse("event-detail", args=[event_id]))
    assert event_page.status_code == 200, event_page.status_code
    run.get(reverse("event-edit", args=[event_id]))
    roster = run.get(reverse("roster-csv", args=[event_id]))
    assert roster.status_code == 200
    assert b"INCOMPLETE EXPORT" not in roster.body
    api = run.count(run.api.get(reverse("api-event", args=[event_id])), "api-event")
    assert api.status_code == 200 and api.json()["event"]["event_id"] == event_id
    run.get(reverse("waiver", args=[event_id]))
    run.get("/audit/")
    run.get("/audit/?" + urlencode({"event": event_id}))
    export = run.get("/audit.csv")
    rows = list(csv.reader(io.StringIO(export.body.decode())))
    assert rows and not rows[-1][0].startswith("INCOMPLETE EXPORT"), rows[-1:]
    event_column = rows[0].index("event_id")
    assert any(row[event_column] == NORMAL for row in rows[1:]), "the normal event's rows are missing from the CSV"
    normal = run.get(reverse("event-detail", args=[NORMAL])).content.decode()
    assert "$45.00" in normal and "Totals exclude" not in normal


def writes(run, item):
    """The writes that read the item first; their bodies name what the item holds."""
    event_id = item["event_id"]["S"]
    ids = _ids(item, "payments", "payment_id") or ["pay-1"]
    patrons = _ids(item, "roster", "patron_id") or ["p1"]
    api = run.write
    api(event_id, "POST", "/api/payment-notify", {"event_id": event_id, "payment_id": ids[0]})
    api(event_id, "POST", "/api/payment-log", {"event_id": event_id, "patron_id": patrons[0], "amount": "10.00"})
    api(
        event_id,
        "POST",
        "/api/payment-refund",
        {"event_id": event_id, "payment_id": ids[0], "amount": "1", "reason": "r"},
    )
    api(event_id, "POST", "/api/payment-void", {"event_id": event_id, "payment_id": ids[-1], "reason": "r"})
    api(event_id, "POST", "/api/roster-add", {"event_id": event_id, "name": "Grace", "email": "grace@example.com"})
    api(event_id, "POST", "/api/roster-checkin", {"event_id": event_id, "patron_id": patrons[0], "checked_in": True})
    api(event_id, "POST", "/api/roster-update", {"event_id": event_id, "patron_id": patrons[-1], "phone": ""})
    version = run.api.get(reverse("api-event", args=[event_id])).json()["event"]["version"]
    api(event_id, "PATCH", reverse("api-event", args=[event_id]), {"version": version, "location": "Pier 2"})
    signing = {"full_name": "Alan Turing", "email": "alan@example.com", "agree": "on"}
    run.stats["signing clients"] += 1
    public = Client(REMOTE_ADDR=f"10.9.{run.stats['signing clients'] // 250}.{run.stats['signing clients'] % 250}")
    api(event_id, "POST", reverse("waiver", args=[event_id]), signing, client=public)


def _ids(item, name, field):
    value = item.get(name, {})
    found = []
    for element in value.get("L", []) if isinstance(value, dict) else []:
        fields = element.get("M") if isinstance(element, dict) else None
        if fields and "S" in fields.get(field, {}) and fields[field]["S"].strip():
            found.append(fields[field]["S"])
    return found[:2]


SHAPES = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # the short profile is the same every run; the long one explores
    suppress_health_check=list(HealthCheck),
)


def test_every_read_and_write_survives_what_other_software_stores(tables, admin_user, raw_table, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seed_normal(raw_table)
    run = Run(raw_table, admin_user)

    @SHAPES
    @given(event_items())
    def survive(item):
        run.stats["shapes"] += 1
        raw_table.put(item)  # as other software writes: a whole item, whatever it holds
        try:
            reads(run, item["event_id"]["S"])
            writes(run, item)
        finally:
            raw_table.delete(item["event_id"]["S"])

    survive()
    with capsys.disabled():
        print(f"\nstored shapes: {dict(sorted(run.stats.items()))}")
    assert run.stats["5xx"] == 0 and run.stats["items harmed"] == 0
