"""The API's JSON shapes for events, patrons and payment records: money as two-decimal strings, codes as stored."""

from events import ledger, links
from events.models import RecordKind, money


def money_str(value):
    return None if value is None else str(money(value))


def patron_json(patron):
    data = {"patron_id": patron.patron_id, "name": patron.name, "email": patron.email}
    if patron.phone:
        data["phone"] = patron.phone
    if patron.waiver_signed_at:
        data["waiver_signed_at"] = patron.waiver_signed_at
    return data


def payment_json(record):
    return {
        "payment_id": record.payment_id,
        "timestamp": record.timestamp,
        "operator": record.operator,
        "patron_id": record.patron_id,
        "amount": money_str(record.amount or 0),
        "notes": record.notes or "",
        "email_sent": bool(record.email_sent),
        "email_sent_at": record.email_sent_at,
        "kind": record.kind or RecordKind.PAYMENT,
        "voids": record.voids,
        "legacy": record.is_legacy,
    }


def event_json(event):
    return {
        "event_id": event.event_id,
        "title": event.title,
        "starts_at": event.starts_at,
        "location": event.location,
        "price": money_str(event.price),
        "roster": [patron_json(p) for p in ledger.roster(event)],
        "payments": [payment_json(r) for r in ledger.payments(event)],
        "totals": ledger.totals(event).as_json(),
        **event_settings_json(event),
    }


def event_settings_json(event):
    """The back office's fields: the edit version, capacity, waiver text (null: the standard one) and link."""
    return {
        "version": event.version_number,
        "capacity": event.capacity_number,
        "waiver_text": event.waiver_text,
        "waiver_url": links.waiver_url(event.event_id),
    }
