"""The API's JSON shapes for events, patrons and payment records: money as two-decimal strings, codes as stored."""

from events import ledger, selectors
from events.models import RecordKind, money


def money_str(value):
    return None if value is None else str(money(value))


def patron_json(patron):
    data = {"patron_id": patron.patron_id, "name": patron.name, "email": patron.email}
    if patron.phone:
        data["phone"] = patron.phone
    for name in ("waiver_signed_at", "checked_in_at", "cancelled_at", "cancel_reason"):
        value = getattr(patron, name)
        if value:
            data[name] = value
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
        "method": record.method,
        "voids": record.voids,
        "refunds": record.refunds,
        "legacy": record.is_legacy,
    }


def event_json(event):
    return {
        "event_id": event.event_id,
        "title": event.title,
        "starts_at": event.starts_at,
        "location": event.location,
        "price": money_str(event.price),
        **roster_and_money_json(event),
        **event_settings_json(event),
        **unreadable_json(event),
    }


def unreadable_json(event):
    """What events.items could not read of the item (only when something): where, and what it is instead.
    Roster entries and records listed here are left out of `roster`, `payments` and the totals."""
    if not event.unreadable:
        return {}
    return {"unreadable": [{"where": where, "problem": why} for where, why in event.unreadable]}


def roster_and_money_json(event):
    """roster (each patron with `paid` and `outstanding`), payments and totals, from one reckoning;
    what cannot be read is left out of all three (and listed by unreadable_json)."""
    reckoning = ledger.reckon_event(event)
    return {
        "roster": [balance_json(p, reckoning.by_patron[p.patron_id]) for p in ledger.roster(event) if p.readable],
        "payments": [payment_json(r) for r in ledger.payments(event) if r.counts],
        "totals": reckoning.totals.as_json(),
    }


def balance_json(patron, balance):
    """A roster entry with its money: `paid` net of voids and refunds, `outstanding` = expected - paid."""
    return {**patron_json(patron), "paid": money_str(balance.net), "outstanding": money_str(balance.outstanding)}


def event_settings_json(event):
    """The back office's fields: the edit version, capacity, waiver text (null: the standard one) and link."""
    return {
        "version": event.version_number,
        "capacity": event.capacity_number,
        "waiver_text": event.waiver_text,
        "waiver_url": selectors.waiver_url(event.event_id),
    }
