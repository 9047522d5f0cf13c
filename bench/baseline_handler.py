"""The old dispatch tool's shape, as a reference: one Lambda file with boto3.

Token check (HMAC), one consistent GetItem for the roster, one conditional
list_append UpdateItem. Function URL (payload 2.0) events in, responses out.
Used only by the benchmarks, never deployed.
"""

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import boto3

TABLE = os.environ.get("SCC_EVENTS_TABLE", "scc-events")
SECRET = os.environ.get("BASELINE_SECRET", "baseline-secret").encode()
dynamodb = boto3.client("dynamodb", endpoint_url=os.environ.get("SCC_DYNAMODB_HOST") or None)


def make_token(username, ttl=12 * 3600):
    payload = f"{username}:{int(time.time()) + ttl}"
    signature = hmac.new(SECRET, payload.encode(), hashlib.sha256).hexdigest()
    return base64.urlsafe_b64encode(payload.encode()).decode() + "." + signature


def check_token(header):
    if not header or not header.startswith("Bearer "):
        return None
    try:
        encoded, signature = header[7:].split(".", 1)
        payload = base64.urlsafe_b64decode(encoded).decode()
    except ValueError:
        return None
    expected = hmac.new(SECRET, payload.encode(), hashlib.sha256).hexdigest()
    username, _, expires = payload.rpartition(":")
    if not hmac.compare_digest(expected, signature) or int(expires) < time.time():
        return None
    return username


def respond(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def lambda_handler(event, context):
    http = event["requestContext"]["http"]
    if http["method"] != "POST" or event["rawPath"] != "/api/payment-log":
        return respond(404, {"ok": False, "error": "Not found."})
    operator = check_token(event.get("headers", {}).get("authorization"))
    if operator is None:
        return respond(401, {"ok": False, "error": "Authentication required."})
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    body = json.loads(raw, parse_float=Decimal)
    amount = Decimal(str(body["amount"])).quantize(Decimal("0.01"))
    item = dynamodb.get_item(
        TableName=TABLE,
        Key={"event_id": {"S": body["event_id"]}},
        ConsistentRead=True,
        ProjectionExpression="roster",
    ).get("Item")
    if item is None:
        return respond(404, {"ok": False, "error": "No such event."})
    roster = {p["M"]["patron_id"]["S"] for p in item.get("roster", {}).get("L", [])}
    if body["patron_id"] not in roster:
        return respond(400, {"ok": False, "error": "Patron not on roster."})
    payment_id = body.get("payment_id") or str(uuid.uuid4())
    record = {
        "payment_id": {"S": payment_id},
        "timestamp": {"S": datetime.now(UTC).isoformat(timespec="milliseconds")},
        "operator": {"S": operator},
        "patron_id": {"S": body["patron_id"]},
        "amount": {"N": format(amount, "f")},
        "notes": {"S": body.get("notes") or ""},
        "email_sent": {"BOOL": False},
        "kind": {"S": "payment"},
    }
    dynamodb.update_item(
        TableName=TABLE,
        Key={"event_id": {"S": body["event_id"]}},
        UpdateExpression="SET payments = list_append(if_not_exists(payments, :empty), :rec)",
        ConditionExpression="attribute_exists(event_id)",
        ExpressionAttributeValues={":empty": {"L": []}, ":rec": {"L": [{"M": record}]}},
    )
    return respond(201, {"ok": True, "payment": {"payment_id": payment_id, "amount": format(amount, "f")}})
