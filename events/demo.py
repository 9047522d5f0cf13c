"""Demo data for local runs: a few charter events, one legacy payment, demo operators."""

import secrets
import uuid
from datetime import datetime, timedelta, timezone

from events.models import Event
from scc import dynamodb

DEMO_ADMIN = "demo-admin"
DEMO_STAFF = "demo-staff"

_PATRONS = [
    ("Ada Lovelace", "ada@example.com", "+1 206 555 0101"),
    ("Grace Hopper", "grace@example.com", "+1 206 555 0102"),
    ("Katherine Johnson", "katherine@example.com", None),
    ("Alan Turing", "alan@example.com", "+1 206 555 0104"),
    ("Mary Jackson", "mary@example.com", None),
    ("Edsger Dijkstra", "edsger@example.com", "+1 206 555 0106"),
]


def _iso_local(days, hour, minute=0):
    pacific = timezone(timedelta(hours=-8))
    day = datetime.now(pacific).replace(hour=hour, minute=minute, second=0, microsecond=0) + timedelta(days=days)
    return day.isoformat()


def _roster(names):
    roster = []
    for name, email, phone in names:
        patron = {
            "patron_id": {"S": "p-" + uuid.uuid5(uuid.NAMESPACE_URL, email).hex[:10]},
            "name": {"S": name},
            "email": {"S": email},
            "waiver_signed_at": {"S": "2026-11-01T17:00:00+00:00"},
        }
        if phone:
            patron["phone"] = {"S": phone}
        roster.append({"M": patron})
    return roster


def demo_events():
    """(event_id, raw DynamoDB attributes) for each demo event."""
    return [
        (
            "demo-sunset-cruise",
            {
                "title": {"S": "Sunset Cruise on Elliott Bay"},
                "location": {"S": "Pier 66, Seattle"},
                "starts_at": {"S": _iso_local(3, 17, 30)},
                "price": {"N": "45"},
                "roster": {"L": _roster(_PATRONS[:4])},
            },
        ),
        (
            "demo-whale-watch",
            {
                "title": {"S": "San Juan Whale Watch"},
                "location": {"S": "Friday Harbor Marina, Dock B"},
                "starts_at": {"S": _iso_local(10, 9, 0)},
                "price": {"N": "129.50"},
                "roster": {"L": _roster(_PATRONS[1:6])},
                # Written by other software; must survive our writes.
                "captain": {"S": "Capt. R. Alvarez"},
            },
        ),
        (
            "demo-holiday-lights",
            {
                "title": {"S": "Holiday Lights Harbor Tour"},
                "location": {"S": "Lake Union Park"},
                "starts_at": {"S": _iso_local(24, 18, 0)},
                "roster": {"L": _roster(_PATRONS[:2])},
            },
        ),
        (
            "demo-fishing-charter",
            {
                "title": {"S": "Salmon Fishing Charter"},
                "location": {"S": "Shilshole Bay Marina"},
                "starts_at": {"S": _iso_local(-7, 6, 0)},
                "price": {"N": "210"},
                "roster": {"L": _roster(_PATRONS[2:5])},
                # The old system's record shape: no payment_id, patron_id or kind.
                "payments": {
                    "L": [
                        {
                            "M": {
                                "timestamp": {"S": "2026-11-18T16:05:00+00:00"},
                                "operator": {"S": "admin"},
                                "amount": {"N": "210"},
                                "notes": {"S": "Cash at the dock (old system)"},
                                "email_sent": {"BOOL": False},
                            }
                        }
                    ]
                },
            },
        ),
        (
            "demo-new-charter",
            {
                "title": {"S": "Private Charter: Lake Washington"},
                "location": {"S": "Kirkland Marina"},
                "starts_at": {"S": _iso_local(40, 11, 0)},
            },
        ),
    ]


def create_event_if_missing(event_id, attributes):
    """Create one event item (raw attributes, other software's included). True if it was created."""
    return dynamodb.create_raw_item(Event, key={"event_id": {"S": event_id}}, attributes=attributes)


def new_password():
    return secrets.token_urlsafe(12)


# Dispatch states: paid up, overpaid, a free trip, a past trip paid in full; each created and
# edited as the back office does it (version, capacity, event.created / event.updated history).


def _patron_id(email):
    return "p-" + uuid.uuid5(uuid.NAMESPACE_URL, email).hex[:10]


def _paid(event_id, payments):
    """(payments, payment_ids, audit) for [(patron email, amount, method)], in the app's own shapes."""
    records, ids, audit = [], [], []
    for n, (email, amount, method) in enumerate(payments):
        payment_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{event_id}/payment/{n}"))
        at = f"2026-11-2{n % 10}T18:{n:02d}:00.000+00:00"
        common = {"operator": {"S": DEMO_ADMIN}, "patron_id": {"S": _patron_id(email)}, "amount": {"N": amount}}
        records.append(
            {
                "M": {
                    **common,
                    "payment_id": {"S": payment_id},
                    "timestamp": {"S": at},
                    "notes": {"S": f"{method.title()} at the dock"},
                    "method": {"S": method},
                    "email_sent": {"BOOL": False},
                    "kind": {"S": "payment"},
                }
            }
        )
        audit.append(
            {"M": {**common, "at": {"S": at}, "action": {"S": "payment.logged"}, "payment_id": {"S": payment_id}}}
        )
        ids.append(payment_id)
    return {"payments": {"L": records}, "payment_ids": {"SS": ids}}, audit


def _history(*entries):
    return [
        {"M": {"at": {"S": at}, "operator": {"S": DEMO_ADMIN}, "action": {"S": action}, "detail": {"S": detail}}}
        for at, action, detail in entries
    ]


def _back_office_event(event_id, *, title, location, days, hour, price, capacity, patrons, payments, history):
    paid, payment_audit = _paid(event_id, payments)
    attributes = {
        "title": {"S": title},
        "location": {"S": location},
        "starts_at": {"S": _iso_local(days, hour)},
        "price": {"N": price},
        "capacity": {"N": str(capacity)},
        "version": {"N": str(len(history))},
        "roster": {"L": _roster(patrons)},
        "audit": {"L": _history(*history) + payment_audit},
    }
    if payments:
        attributes.update(paid)
    return event_id, attributes


def dispatch_demo_events():
    """(event_id, raw attributes) for events showing each state of the dispatch page's cards."""
    created = "2026-11-20T17:00:00.000+00:00", "event.created", "Created with the demo data."
    return [
        _back_office_event(
            "demo-harbor-tour",
            title="Harbor Tour: Paid in Full",
            location="Pier 55, Seattle",
            days=5,
            hour=14,
            price="35",
            capacity=12,
            patrons=_PATRONS[:3],
            payments=[(p[1], "35", "card") for p in _PATRONS[:3]],
            history=[created, ("2026-11-21T17:00:00.000+00:00", "event.updated", "Price: $30.00 → $35.00.")],
        ),
        _back_office_event(
            "demo-overpaid-sail",
            title="Evening Sail (overpaid)",
            location="Shilshole Bay Marina, Dock M",
            days=6,
            hour=18,
            price="25",
            capacity=8,
            patrons=_PATRONS[3:5],
            payments=[(_PATRONS[3][1], "25", "cash"), (_PATRONS[4][1], "40", "venmo")],
            history=[created],
        ),
        _back_office_event(
            "demo-free-paddle",
            title="Free Community Paddle",
            location="Lake Union Park",
            days=12,
            hour=10,
            price="0",
            capacity=30,
            patrons=_PATRONS,
            payments=[],
            history=[created],
        ),
        _back_office_event(
            "demo-past-paid",
            title="Blake Island Day Trip",
            location="Pier 56, Seattle",
            days=-14,
            hour=9,
            price="60",
            capacity=20,
            patrons=_PATRONS[:2],
            payments=[(p[1], "60", "check") for p in _PATRONS[:2]],
            history=[created],
        ),
    ]
