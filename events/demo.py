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
        *back_office_demo_events(),
    ]


def create_event_if_missing(event_id, attributes):
    """Create one event item (raw attributes, other software's included). True if it was created."""
    return dynamodb.create_raw_item(Event, key={"event_id": {"S": event_id}}, attributes=attributes)


def new_password():
    return secrets.token_urlsafe(12)


# The back office's demo: one charter day with every state an admin meets at the dock. ------------


def _demo_id(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"scc-demo/{name}"))


def _s(value):
    return {"S": value}


def _demo_patron(patron_id, name, *, email=None, phone=None, **times):
    fields = {"patron_id": _s(patron_id), "name": _s(name)}
    for key, value in (("email", email), ("phone", phone), *times.items()):
        if value:
            fields[key] = _s(value)
    return {"M": fields}


def _demo_record(name, patron_id, amount, at, *, kind="payment", method=None, notes="", **links):
    fields = {
        "payment_id": _s(_demo_id(name)),
        "timestamp": _s(at),
        "operator": _s(DEMO_ADMIN),
        "patron_id": _s(patron_id),
        "amount": {"N": amount},
        "notes": _s(notes),
        "email_sent": {"BOOL": False},
        "kind": _s(kind),
    }
    if method:
        fields["method"] = _s(method)
    for key, target in links.items():  # voids=..., refunds=...: the name of the record they undo
        fields[key] = _s(_demo_id(target))
    return {"M": fields}


def _demo_entry(at, action, *, patron_id=None, payment=None, amount=None, detail=None):
    fields = {
        "at": _s(at),
        "operator": _s(DEMO_ADMIN if action != "waiver.signed" else "(patron)"),
        "action": _s(action),
    }
    if patron_id:
        fields["patron_id"] = _s(patron_id)
    if payment:
        fields["payment_id"] = _s(_demo_id(payment))
    if amount:
        fields["amount"] = {"N": amount}
    if detail:
        fields["detail"] = _s(detail)
    return {"M": fields}


def dock_day_event():
    """A charter tomorrow: checked-in, owing, overpaid and cancelled patrons, a walk-up without a
    waiver, a partial refund, a full refund, a void and a payment from the old system."""
    t = "2026-11-20T{}:00.000+00:00".format
    roster = [
        _demo_patron(
            "p-dock-ada",
            "Ada Lovelace",
            email="ada@example.com",
            phone="+1 206 555 0101",
            waiver_signed_at=t("17:00"),
            checked_in_at=t("17:40"),
        ),
        _demo_patron(
            "p-dock-grace",
            "Grace Hopper",
            email="grace@example.com",
            waiver_signed_at=t("17:05"),
            checked_in_at=t("17:42"),
        ),
        _demo_patron(
            "p-dock-katherine", "Katherine Johnson", email="katherine@example.com", waiver_signed_at=t("17:10")
        ),
        _demo_patron(
            "p-dock-alan",
            "Alan Turing",
            email="alan@example.com",
            waiver_signed_at=t("17:12"),
            cancelled_at=t("18:00"),
            cancel_reason="Seasick forecast; full refund",
        ),
        _demo_patron("p-dock-mary", "Mary Jackson", email="mary@example.com", waiver_signed_at=t("17:15")),
        _demo_patron("p-dock-edsger", "Edsger Dijkstra", phone="+1 206 555 0106"),  # a walk-up, no waiver yet
    ]
    payments = [
        {
            "M": {
                "timestamp": _s(t("16:00")),
                "operator": _s("admin"),
                "amount": {"N": "40"},
                "notes": _s("Deposit in cash (old system)"),
                "email_sent": {"BOOL": False},
            }
        },
        _demo_record("ada", "p-dock-ada", "85", t("17:20"), method="card"),
        _demo_record("grace", "p-dock-grace", "100", t("17:21"), method="cash", notes="Kept the change as a tip?"),
        _demo_record("katherine", "p-dock-katherine", "40", t("17:22"), method="venmo"),
        _demo_record("alan", "p-dock-alan", "85", t("17:23"), method="card"),
        _demo_record(
            "alan-refund",
            "p-dock-alan",
            "-85",
            t("18:01"),
            kind="refund",
            method="card",
            notes="Cancelled: seasick forecast",
            refunds="alan",
        ),
        _demo_record("mary", "p-dock-mary", "85", t("17:24"), method="check"),
        _demo_record(
            "mary-refund",
            "p-dock-mary",
            "-20",
            t("17:50"),
            kind="refund",
            method="check",
            notes="Late boarding discount",
            refunds="mary",
        ),
        _demo_record("edsger", "p-dock-edsger", "50", t("17:25"), method="zelle", notes="Logged on the wrong patron"),
        _demo_record(
            "edsger-void",
            "p-dock-edsger",
            "-50",
            t("17:26"),
            kind="void",
            method="zelle",
            notes="Wrong patron",
            voids="edsger",
        ),
    ]
    audit = [
        _demo_entry(t("17:00"), "waiver.signed", patron_id="p-dock-ada", detail="Ada Lovelace signed the waiver."),
        _demo_entry(t("17:20"), "payment.logged", patron_id="p-dock-ada", payment="ada", amount="85"),
        _demo_entry(t("17:21"), "payment.logged", patron_id="p-dock-grace", payment="grace", amount="100"),
        _demo_entry(t("17:22"), "payment.logged", patron_id="p-dock-katherine", payment="katherine", amount="40"),
        _demo_entry(t("17:23"), "payment.logged", patron_id="p-dock-alan", payment="alan", amount="85"),
        _demo_entry(t("17:24"), "payment.logged", patron_id="p-dock-mary", payment="mary", amount="85"),
        _demo_entry(t("17:25"), "payment.logged", patron_id="p-dock-edsger", payment="edsger", amount="50"),
        _demo_entry(
            t("17:26"),
            "payment.voided",
            patron_id="p-dock-edsger",
            payment="edsger-void",
            amount="-50",
            detail="Voids {}: Wrong patron".format(_demo_id("edsger")),
        ),
        _demo_entry(t("17:30"), "roster.added", patron_id="p-dock-edsger", detail="Added Edsger Dijkstra (walk-up)"),
        _demo_entry(t("17:40"), "roster.checked_in", patron_id="p-dock-ada", detail="Checked in Ada Lovelace"),
        _demo_entry(t("17:42"), "roster.checked_in", patron_id="p-dock-grace", detail="Checked in Grace Hopper"),
        _demo_entry(
            t("17:50"),
            "payment.refunded",
            patron_id="p-dock-mary",
            payment="mary-refund",
            amount="-20",
            detail="Refunds {}: Late boarding discount".format(_demo_id("mary")),
        ),
        _demo_entry(
            t("18:00"),
            "roster.cancelled",
            patron_id="p-dock-alan",
            detail="Cancelled Alan Turing: Seasick forecast; full refund",
        ),
        _demo_entry(
            t("18:01"),
            "payment.refunded",
            patron_id="p-dock-alan",
            payment="alan-refund",
            amount="-85",
            detail="Refunds {}: Cancelled: seasick forecast".format(_demo_id("alan")),
        ),
    ]
    emails = sorted(p["M"]["email"]["S"] for p in roster if "email" in p["M"])
    return (
        "demo-dock-day",
        {
            "title": _s("Dock Day: Puget Sound Charter"),
            "location": _s("Shilshole Bay Marina, Dock K"),
            "starts_at": _s(_iso_local(1, 9, 0)),
            "price": {"N": "85"},
            "capacity": {"N": "8"},
            "roster": {"L": roster},
            "roster_emails": {"SS": emails},
            "payments": {"L": payments},
            "payment_ids": {"SS": sorted(p["M"]["payment_id"]["S"] for p in payments if "payment_id" in p["M"])},
            "audit": {"L": audit},
            "skipper_notes": _s("Fuel at 7:30. Written by other software; must survive our writes."),
        },
    )


def back_office_demo_events():
    return [dock_day_event()]


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
