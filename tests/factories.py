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
