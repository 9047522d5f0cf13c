"""DynamoDB requests per operation, counted on the wire (botocore's before-send, once per HTTP attempt).

Every model shares one botocore client (scc.dynamodb), so one hook sees every request. Requests go
through Django's test client (the same middleware and views Zappa's handler runs). Counts are
deterministic; tests/test_request_counts.py guards the main ones.

    python -m bench requests
"""

import json
import uuid
from collections import Counter
from contextlib import contextmanager

from bench import report
from tests.dynalite import Dynalite

AUDIT_SCAN = "operator; the projected Scan, in parallel segments (a request per segment and per 100 items)"
EVENTS = 20  # table size for the pages; Scans page per 100 items and segment (audit) or 1 MB (dispatch)


class WireCounter:
    """Counts (operation, table) of every DynamoDB request a botocore client sends."""

    def __init__(self, client, tables):
        self.client = client
        self.tables = tables  # real table name -> label
        self.seen = Counter()
        client.meta.events.register("before-send.dynamodb.*", self._count)

    def _count(self, request, **kwargs):
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        body = json.loads(request.body or b"{}")
        tables = [body["TableName"]] if "TableName" in body else sorted(body.get("RequestItems", {}))
        self.seen[(operation, "+".join(self.tables.get(table, table) for table in tables))] += 1

    @contextmanager
    def counting(self):
        self.seen.clear()
        yield self.seen


def _describe(seen):
    return ", ".join(f"{n} {op} {table}" for (op, table), n in sorted(seen.items(), key=lambda kv: kv[0]))


def run():
    from bench.audit import event_item, seed

    with Dynalite() as server:
        from bench.setup import django_against

        django_against(server.endpoint, suffix=uuid.uuid4().hex[:8])
        from django.conf import settings
        from django.test import Client

        from accounts import credentials, services
        from accounts.models import COMMAND_LINE
        from accounts.models import Counter as CounterModel
        from scc.dynamodb import raw_client

        raw = raw_client()
        counter = WireCounter(
            raw,
            {
                settings.EVENTS_TABLE: "events",
                settings.OPERATORS_TABLE: "operators",
                CounterModel.Meta.table_name: "counters",
            },
        )
        seed(raw, settings.EVENTS_TABLE, 0, EVENTS)
        item = event_item(0)
        item["event_id"] = {"S": "ops"}
        item["starts_at"] = {"S": "2099-12-05T09:30:00-08:00"}  # upcoming: the waiver can be signed
        item["roster"]["L"][1]["M"]["email"] = {"S": "ada@example.com"}
        raw.put_item(TableName=settings.EVENTS_TABLE, Item=item)
        services.add_operator(actor=COMMAND_LINE, username="bench", role="admin", password="bench password 1")
        token = credentials.make_token(
            services.sign_in(username="bench", password="bench password 1", kind="token").claim
        )
        api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        pages = Client()
        assert pages.post("/login/", {"username": "bench", "password": "bench password 1"}).status_code == 302
        public = Client()
        logged = str(uuid.uuid4())

        def post(client, url, body):
            return client.post(url, json.dumps(body), content_type="application/json")

        operations = [
            (
                "payment-log (Bearer)",
                lambda: post(
                    api,
                    "/api/payment-log",
                    {"event_id": "ops", "patron_id": "p1", "amount": "45", "payment_id": logged},
                ),
                201,
                "operator for the token; event's roster and payment_ids (projected, consistent); the append "
                "(payment, payment_ids, audit entry)",
            ),
            (
                "payment-log replay (same payment_id)",
                lambda: post(
                    api,
                    "/api/payment-log",
                    {"event_id": "ops", "patron_id": "p1", "amount": "45", "payment_id": logged},
                ),
                200,
                "operator; projected check finds the id; full read for the stored payment. No write",
            ),
            (
                "payment-notify (Bearer)",
                lambda: post(api, "/api/payment-notify", {"event_id": "ops", "payment_id": logged}),
                200,
                "operator; event (consistent, whole item: record, roster email, voids); mark sent + `email.sent` "
                "audit. Plus one SES SendRawEmail in production (not DynamoDB; locmem here)",
            ),
            (
                "payment-void (Bearer)",
                lambda: post(api, "/api/payment-void", {"event_id": "ops", "payment_id": logged, "reason": "bench"}),
                201,
                "operator; event (consistent, whole item: original and existing voids); the void append",
            ),
            (
                "waiver sign (public POST)",
                lambda: public.post(
                    "/g/ops/waiver", {"full_name": "Grace Hopper", "email": "grace@example.com", "agree": "on"}
                ),
                302,
                "event's public attributes; rate-limit counter in the counters table (2 for the first signing "
                "in a window: the count fails, the window starts; 1 after); signing read (projected); roster append",
            ),
            (
                "login page (POST /login/)",
                lambda: Client().post("/login/", {"username": "bench", "password": "bench password 1"}),
                302,
                "operator and lockout counter (one BatchGetItem); the attempt reserved; the session id added "
                "to the operator; the counter cleared",
            ),
            (
                "API login (POST /api/login)",
                lambda: post(Client(), "/api/login", {"username": "bench", "password": "bench password 1"}),
                200,
                "as the login page (a token id instead of a session id)",
            ),
            (
                "dispatch page",
                lambda: pages.get("/"),
                200,
                "operator for the session; the Scan (ids and starts, filtered to the view); the page's cards",
            ),
            (
                "event create (POST /api/events)",
                lambda: post(api, "/api/events", {"title": "Bench", "starts_at": "2099-12-05T09:30", "price": "45"}),
                201,
                "operator; the conditional create (fields, version 1, `event.created`)",
            ),
            (
                "event edit (PATCH /api/events/<id>)",
                lambda: api.patch(
                    "/api/events/ops", json.dumps({"version": 0, "price": "50"}), content_type="application/json"
                ),
                200,
                "operator; event (consistent, projected: the fields, version, roster); the conditional update",
            ),
            ("event page", lambda: pages.get("/events/ops/"), 200, "operator; the event (whole item)"),
            ("audit page", lambda: pages.get("/audit/"), 200, AUDIT_SCAN + "; the operators' own changes (Scan)"),
            (
                "audit CSV",
                lambda: b"".join(pages.get("/audit.csv").streaming_content),
                None,
                AUDIT_SCAN + "; the operators' own changes (Scan)",
            ),
            (
                "operators page",
                lambda: pages.get("/operators/"),
                200,
                "operator; the operators (Scan, projected); their lockout counters (one BatchGetItem per 100)",
            ),
        ]
        lines = []
        for name, call, status, why in operations:
            with counter.counting() as seen:
                response = call()
            if status is not None:
                assert response.status_code == status, (name, response.status_code, response.content[:300])
            total = sum(seen.values())
            print(f"    {name}: {_describe(seen)}", flush=True)
            lines.append(f"| {name} | {total} | {_describe(seen)} | {why} |")

    body = f"""## DynamoDB requests per operation

{report.stamp("make bench BENCH=requests (python -m bench requests)")}

Counted on the wire: a botocore `before-send` hook on the one client every model shares (one count per
HTTP attempt, so a retry would show). Requests through Django's test client: Bearer token for the API,
a signed-in session for pages, none for the waiver. Table: {EVENTS + 1} events (pages) of 10 payments;
a Scan is one request per 1 MB page (dispatch) or, for the audit, one per segment and per 100 items
(`SCAN_SEGMENTS` parallel segments, `SCAN_PAGE_SIZE`), so those grow with the table.
`tests/test_request_counts.py` fails if the main counts change.

| operation | requests | which | what each is for |
| --- | ---: | --- | --- |
{chr(10).join(lines)}

Payment-log is exactly one GetItem and one UpdateItem on the events table (the target), plus the
operator GetItem every authenticated request makes: the sign-in rules require a disabled operator's token, or a
signed-out session, to stop at once, so the operator is read (consistently, projected to role, password
hash, status and live session ids) on every request rather than cached.
"""
    report.write_section("requests", body)
    print(body)
