"""Raw DynamoDB items the way other software (and the old system) write them."""

from datetime import UTC, datetime, timedelta


def patron(patron_id, name, email=None, **extra):
    data = {"patron_id": {"S": patron_id}, "name": {"S": name}}
    if email:
        data["email"] = {"S": email}
    for key, value in extra.items():
        data[key] = {"S": value}
    return {"M": data}


def legacy_payment(amount="45", operator="admin", notes="cash", timestamp="2026-10-01T17:00:00+00:00"):
    return {
        "M": {
            "timestamp": {"S": timestamp},
            "operator": {"S": operator},
            "amount": {"N": amount},
            "notes": {"S": notes},
            "email_sent": {"BOOL": False},
        }
    }


def event_item(event_id="ev-1", *, days=5, price="45", roster=None, payments=None, **extra):
    start = (datetime.now(UTC) + timedelta(days=days)).astimezone().replace(microsecond=0)
    item = {
        "event_id": {"S": event_id},
        "title": {"S": f"Charter {event_id}"},
        "location": {"S": "Pier 66"},
        "starts_at": {"S": start.isoformat()},
    }
    if price is not None:
        item["price"] = {"N": price}
    if roster is not None:
        item["roster"] = {"L": roster}
    if payments is not None:
        item["payments"] = {"L": payments}
    item.update(extra)
    return item


def payment_record(payment_id, patron_id, amount="45", *, notes="", email_sent=False, kind="payment", **extra):
    """A payment record as this app writes it (raw DynamoDB map)."""
    data = {
        "payment_id": {"S": payment_id},
        "timestamp": {"S": "2026-11-01T17:00:00.000+00:00"},
        "operator": {"S": "alice"},
        "patron_id": {"S": patron_id},
        "amount": {"N": amount},
        "notes": {"S": notes},
        "email_sent": {"BOOL": email_sent},
        "kind": {"S": kind},
    }
    data.update(extra)
    return {"M": data}
