"""payment-log through the whole Django stack vs the same UpdateItem sent directly with boto3."""

import json
import time
import uuid

from bench import report
from tests.dynalite import Dynalite

REQUESTS = 500
EVENTS = 50  # payments spread over events so list growth is the same on both sides
WARMUP = 20


def _seed(client, table, prefix):
    for n in range(EVENTS):
        client.update_item(
            TableName=table,
            Key={"event_id": {"S": f"{prefix}-{n}"}},
            UpdateExpression="SET title = :t, starts_at = :s, price = :p, roster = :r",
            ExpressionAttributeValues={
                ":t": {"S": f"Bench charter {n}"},
                ":s": {"S": "2030-01-01T09:00:00-08:00"},
                ":p": {"N": "45"},
                ":r": {"L": [{"M": {"patron_id": {"S": "p1"}, "name": {"S": "Ada"}}}]},
            },
        )


def _direct_update(client, table, event_id):
    pid = str(uuid.uuid4())
    at = "2030-01-01T00:00:00.000+00:00"
    client.update_item(
        TableName=table,
        Key={"event_id": {"S": event_id}},
        UpdateExpression=(
            "SET payments = list_append(if_not_exists(payments, :empty), :rec), "
            "audit = list_append(if_not_exists(audit, :empty), :aud) ADD payment_ids :ids"
        ),
        ConditionExpression="attribute_exists(event_id) AND NOT contains(payment_ids, :pid)",
        ExpressionAttributeValues={
            ":empty": {"L": []},
            ":rec": {
                "L": [
                    {
                        "M": {
                            "payment_id": {"S": pid},
                            "timestamp": {"S": at},
                            "operator": {"S": "bench"},
                            "patron_id": {"S": "p1"},
                            "amount": {"N": "45.00"},
                            "notes": {"S": "bench"},
                            "email_sent": {"BOOL": False},
                            "kind": {"S": "payment"},
                        }
                    }
                ]
            },
            ":aud": {
                "L": [
                    {
                        "M": {
                            "at": {"S": at},
                            "operator": {"S": "bench"},
                            "action": {"S": "payment.logged"},
                            "payment_id": {"S": pid},
                            "patron_id": {"S": "p1"},
                            "amount": {"N": "45.00"},
                        }
                    }
                ]
            },
            ":ids": {"SS": [pid]},
            ":pid": {"S": pid},
        },
        ReturnValues="ALL_NEW",
    )


def run():
    with Dynalite() as server:
        from bench.setup import django_against

        django_against(server.endpoint, suffix=uuid.uuid4().hex[:8])
        import boto3
        from django.conf import settings
        from django.test import Client

        from scc import authentication, operators

        table = settings.EVENTS_TABLE
        raw = boto3.client(
            "dynamodb",
            endpoint_url=server.endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        _seed(raw, table, "django")
        _seed(raw, table, "direct")
        operators.add_operator(username="bench", role="admin", password="bench password 1")
        token, _ = authentication.make_token(operators.principal_for("bench"))
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

        def via_django(n):
            body = {"event_id": f"django-{n % EVENTS}", "patron_id": "p1", "amount": "45.00", "notes": "bench"}
            response = client.post("/api/payment-log", json.dumps(body), content_type="application/json")
            assert response.status_code == 201, response.content

        def via_boto3(n):
            _direct_update(raw, table, f"direct-{n % EVENTS}")

        timings = {"django": [], "boto3": []}
        for n in range(WARMUP):
            via_django(n)
            via_boto3(n)
        # Alternate so both sides see the same machine load and the same list sizes.
        for n in range(REQUESTS):
            for name, call in (("django", via_django), ("boto3", via_boto3)):
                start = time.perf_counter()
                call(n)
                timings[name].append(time.perf_counter() - start)
            if (n + 1) % 100 == 0:
                print(f"    {n + 1}/{REQUESTS} requests each", flush=True)

    django_median, django_p95 = report.summary_ms(timings["django"])
    boto_median, boto_p95 = report.summary_ms(timings["boto3"])
    body = f"""## payment-log: full Django stack vs one boto3 UpdateItem

{report.stamp("make bench (python -m bench payment_log)")}

{REQUESTS} requests each, alternating, against one local dynalite; {EVENTS} events share the payments so
both sides append to lists of the same sizes. "Django" is `POST /api/payment-log` through Django's
test client (middleware, Bearer auth = one GetItem on the operators table, validation, one consistent
GetItem and one conditional UpdateItem on the events table). "boto3" is the same UpdateItem alone.

| path | median (ms) | p95 (ms) |
| --- | ---: | ---: |
| Django `POST /api/payment-log` | {django_median:.2f} | {django_p95:.2f} |
| boto3 `UpdateItem` alone | {boto_median:.2f} | {boto_p95:.2f} |
| ratio (Django / boto3) | {django_median / boto_median:.2f}x | {django_p95 / boto_p95:.2f}x |

The Django path makes three DynamoDB requests (operator, event, update) where the direct path makes one,
so a ratio near 3x is the floor for this design; the rest is Django and validation.
"""
    report.write_section("payment_log", body)
    print(body)
