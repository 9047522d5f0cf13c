"""Hypothesis strategies for event items as other software may write them: any DynamoDB value
(S, N, B, SS, NS, BS, M, L, NULL, BOOL, nested) in every attribute the app reads, mixed with
values of the expected type that are odd (times without offsets, `1E+30`, ids with `/`, `..`).

Every value is one DynamoDB (and dynalite) accepts: numbers of at most 38 digits between 1E-130
and 1E+125, sets non-empty and without duplicates.
"""

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

ODD_TEXTS = [
    "",
    " ",
    "..",
    ".",
    "a/../b",
    "/",
    "%2e%2e",
    "?x=1#y",
    "back\\slash",
    "trailing ",
    "line\nbreak",
    "\x00",
    "\u202egnp.exe",
    "zero\u200bwidth",
    "<script>alert(1)</script>",
    "=1+1",
    " -2+3",
    "😀",
    "é" * 300,
    "1E+30",
    "45.00",
    "true",
    "null",
]
ODD_NUMBERS = [
    "0",
    "-0",
    "45",
    "45.5",
    "12.345",
    "0.005",
    "-45",
    "1E+30",
    "-1E+30",
    "1E+125",
    "-1E+125",
    "1E-130",
    "99999999999999999999999999999999999999",
    "100000.01",
    "1000000000000",
]
ODD_TIMES = [
    "2026-12-05T09:30:00-08:00",
    "2026-12-05T09:30",
    "2026-12-05",
    "12/05/2026",
    "not a time",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-11-01T17:00:00.000+00:00",
    "2026-11-01T17:00:00Z",
    "2026-02-30T10:00:00+00:00",
    "",
]
EMAILS = [
    "ada@example.com",
    "ADA@Example.COM ",
    "a@x.com, b@y.com",
    "Ada <ada@example.com>",
    "ａｄａ@example.com",
    "ada\u200b@example.com",
    "ada@bücher.example",
    "not an email",
    "",
]
CODES = {
    "kind": ["payment", "void", "refund", "chargeback", "", "PAYMENT"],
    "method": ["cash", "card", "check", "venmo", "zelle", "other", "bitcoin", ""],
    "action": ["payment.logged", "payment.voided", "payment.refunded", "email.sent", "waiver.signed", "x.y", ""],
}

texts = st.one_of(st.text(max_size=30), st.sampled_from(ODD_TEXTS))
numbers = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.integers(min_value=-(10**37), max_value=10**37).map(str),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False).map(str),
)
binaries = st.binary(min_size=1, max_size=12)


def _sets():
    return st.one_of(
        st.lists(texts, min_size=1, max_size=4, unique=True).map(lambda v: {"SS": v}),
        st.lists(st.integers(-1000, 1000), min_size=1, max_size=4, unique=True).map(
            lambda v: {"NS": [str(n) for n in v]}
        ),
        st.lists(binaries, min_size=1, max_size=3, unique=True).map(lambda v: {"BS": v}),
    )


scalars = st.one_of(
    texts.map(lambda v: {"S": v}),
    numbers.map(lambda v: {"N": v}),
    binaries.map(lambda v: {"B": v}),
    st.booleans().map(lambda v: {"BOOL": v}),
    st.just({"NULL": True}),
    _sets(),
)
# Any DynamoDB value, maps and lists nested a few levels.
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda v: {"L": v}),
        st.dictionaries(texts, inner, max_size=4).map(lambda v: {"M": v}),
    ),
    max_leaves=8,
)


def S(strategy):
    return strategy.map(lambda v: {"S": v})


def N(strategy):
    return strategy.map(lambda v: {"N": v})


def either(plausible):
    """An attribute's value: mostly of its type (odd values included), sometimes anything at all."""
    return st.one_of(plausible, plausible, values)


def _future_start(days):
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


ids = st.one_of(st.sampled_from(["p1", "p2", "pay-1", "pay-2"]), texts)
payment_ids = st.one_of(st.sampled_from(["pay-1", "pay-2", "00000000-0000-0000-0000-000000000001"]), texts)
times = st.one_of(st.sampled_from(ODD_TIMES), st.integers(-400, 400).map(_future_start))
money = st.one_of(st.sampled_from(["45", "20.5", "-45", "-10", "0"]), numbers)


def fields(spec):
    """A map value with some of `spec`'s fields ({name: strategy}), each of its type or not, and extras."""
    names = list(spec)
    return st.tuples(
        st.lists(st.sampled_from(names), unique=True, max_size=len(names)).flatmap(
            lambda chosen: st.fixed_dictionaries({name: either(spec[name]) for name in chosen})
        ),
        st.dictionaries(texts, values, max_size=1),
    ).map(lambda parts: {"M": {**parts[1], **parts[0]}})


PATRON = {
    "patron_id": S(ids),
    "name": S(texts),
    "email": S(st.sampled_from(EMAILS)),
    "phone": S(texts),
    "waiver_signed_at": S(times),
    "checked_in_at": S(times),
    "cancelled_at": S(times),
    "cancel_reason": S(texts),
}
RECORD = {
    "payment_id": S(payment_ids),
    "timestamp": S(times),
    "operator": S(texts),
    "patron_id": S(ids),
    "amount": N(money),
    "notes": S(texts),
    "email_sent": st.booleans().map(lambda v: {"BOOL": v}),
    "email_sent_at": S(times),
    "email_claimed_at": S(times),
    "kind": S(st.sampled_from(CODES["kind"])),
    "method": S(st.sampled_from(CODES["method"])),
    "voids": S(payment_ids),
    "refunds": S(payment_ids),
}
ENTRY = {
    "at": S(times),
    "operator": S(texts),
    "action": S(st.sampled_from(CODES["action"])),
    "payment_id": S(payment_ids),
    "patron_id": S(ids),
    "amount": N(money),
    "detail": S(texts),
}


def lists_of(spec, max_size=4):
    return st.lists(st.one_of(fields(spec), fields(spec), values), max_size=max_size).map(lambda v: {"L": v})


ATTRIBUTES = {
    "title": S(texts),
    "location": S(texts),
    "starts_at": S(times),
    "price": N(money),
    "capacity": N(st.one_of(st.sampled_from(["1", "5", "500", "0", "2.5", "-3"]), numbers)),
    "version": N(st.one_of(st.sampled_from(["0", "1", "7", "1.5", "-1"]), numbers)),
    "waiver_text": S(texts),
    "roster": lists_of(PATRON),
    "payments": lists_of(RECORD),
    "payment_ids": st.one_of(st.lists(payment_ids, min_size=1, max_size=3, unique=True).map(lambda v: {"SS": v})),
    "roster_emails": st.lists(st.sampled_from(EMAILS), min_size=1, max_size=3, unique=True).map(lambda v: {"SS": v}),
    "audit": lists_of(ENTRY),
}

# Event ids other software may choose: URLs must reach them whatever they contain.
event_ids = st.one_of(
    st.sampled_from(["shape", "a/../b", "..", ".", "a/b", "x%41", "q?x#y", "back\\slash", "spaces ", "~tilde", "é"]),
    st.text(min_size=1, max_size=40).filter(lambda v: len(v.encode()) <= 1024),
)


@st.composite
def event_items(draw, event_id=None):
    """A whole item: an id, some of the app's attributes (each of its type or anything), and one of
    other software's own."""
    chosen = draw(st.lists(st.sampled_from(list(ATTRIBUTES)), unique=True))
    item = {name: draw(either(ATTRIBUTES[name])) for name in chosen}
    item["event_id"] = {"S": event_id or draw(event_ids)}
    item["other_software"] = draw(values)
    return item
