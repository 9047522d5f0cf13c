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
