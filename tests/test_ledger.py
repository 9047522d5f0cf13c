"""The money rule (events.ledger.reckon), pure: no DynamoDB, milliseconds per test.

Items are raw DynamoDB maps, read as every path reads them (events.items): as an event (event page,
JSON API, services) and as a dispatch card (events.selectors.raw_summary). Both must give the same money.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events import items, ledger, selectors
from tests.factories import event_item, legacy_payment, patron, payment_record


def model_of(item):
    return items.read_event(item)


def totals_both_ways(item):
    """(model path, raw path) totals of one raw item."""
    return ledger.totals(model_of(item)), selectors.raw_summary(item).totals


def D(text):
    return Decimal(text)


def test_an_event_with_nothing_has_no_expected_money():
    totals = ledger.totals(model_of(event_item(price=None)))
    assert totals == ledger.Totals(paid=D("0.00"), expected=None, outstanding=None)
    assert totals.as_json() == {"paid": "0.00", "expected": None, "outstanding": None}


def test_expected_is_price_times_roster_and_outstanding_the_rest():
    item = event_item(
        price="45", roster=[patron("p1", "Ada"), patron("p2", "Grace")], payments=[payment_record("a", "p1", "45")]
    )
    for totals in totals_both_ways(item):
        assert totals.as_json() == {"paid": "45.00", "expected": "90.00", "outstanding": "45.00"}


def test_voids_and_refunds_are_negative_records_paid_is_net_of_them():
    item = event_item(
        price="50",
        roster=[patron("p1", "Ada")],
        payments=[
            payment_record("a", "p1", "50"),
            payment_record("v", "p1", "-50", kind="void", voids={"S": "a"}),
            payment_record("b", "p1", "30"),
            payment_record("r", "p1", "-10.5", kind="refund", refunds={"S": "b"}),
        ],
    )
    for totals in totals_both_ways(item):
        assert totals.as_json() == {"paid": "19.50", "expected": "50.00", "outstanding": "30.50"}
    (ada,) = ledger.reckon_event(model_of(item)).balances
    assert (ada.paid, ada.voided, ada.refunded, ada.net, ada.outstanding) == (
        D("80.00"),
        D("50.00"),
        D("10.50"),
        D("19.50"),
        D("30.50"),
    )


def test_legacy_records_count_toward_the_event_in_a_row_of_their_own():
    item = event_item(price="45", roster=[patron("p1", "Ada")], payments=[legacy_payment("45")])
    for totals in totals_both_ways(item):
        assert totals.as_json() == {"paid": "45.00", "expected": "45.00", "outstanding": "0.00"}
    ada, legacy = ledger.reckon_event(model_of(item)).balances
    assert (ada.name, ada.net, ada.outstanding) == ("Ada", D("0.00"), D("45.00"))
    assert (legacy.patron_id, legacy.name, legacy.net, legacy.expected) == (
        None,
        ledger.LEGACY_ROW_NAME,
        D("45.00"),
        None,
    )


def test_a_patron_missing_from_the_roster_gets_a_row_but_no_expectation():
    item = event_item(price="45", roster=[], payments=[payment_record("a", "gone", "20")])
    (row,) = ledger.reckon_event(model_of(item)).balances
    assert (row.name, row.net, row.outstanding) == ("gone (not on roster)", D("20.00"), None)


def test_overpaid_is_a_negative_outstanding():
    item = event_item(price="10", roster=[patron("p1", "Ada")], payments=[payment_record("a", "p1", "25")])
    for totals in totals_both_ways(item):
        assert totals.outstanding == D("-15.00")


@pytest.mark.parametrize(
    ("stored", "counted"),
    [("12.3", "12.30"), ("45", "45.00"), ("1E+2", "100.00"), ("0.005", "0.00"), ("0.015", "0.02"), ("-0", "0.00")],
)
def test_each_amount_is_counted_in_cents(stored, counted):
    item = event_item(price=None, roster=[patron("p1", "Ada")], payments=[payment_record("a", "p1", stored)])
    for totals in totals_both_ways(item):
        assert str(totals.paid) == counted


def test_a_record_without_an_amount_is_left_out_and_said_so_and_unknown_kinds_count_as_payments():
    odd = {"M": {"patron_id": {"S": "p1"}, "kind": {"S": "adjustment"}, "amount": {"N": "5"}}}
    item = event_item(price="5", roster=[patron("p1", "Ada")], payments=[{"M": {"patron_id": {"S": "p1"}}}, odd])
    for totals in totals_both_ways(item):
        assert totals.as_json() == {"paid": "5.00", "expected": "5.00", "outstanding": "0.00", "unreadable_records": 1}


def test_totals_are_read_without_the_balances():
    # Cards never build rows: only `amount` (and whether it could be read) is read for the totals.
    def record(amount, counts=True):
        return SimpleNamespace(amount=amount, counts=counts)

    patrons = [SimpleNamespace(readable=True)] * 3
    reckoning = ledger.reckon(price="10", patrons=patrons, records=[record(D("4")), record(None, counts=False)])
    assert reckoning.totals.as_json() == {
        "paid": "4.00",
        "expected": "30.00",
        "outstanding": "26.00",
        "unreadable_records": 1,
    }


amounts = st.decimals(min_value=-100000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from([None, "payment", "void", "refund", "other-software"])
patron_ids = st.sampled_from([None, "p1", "p2", "p3", "stranger"])


@st.composite
def raw_items(draw):
    roster = [
        patron(pid, f"Name {pid}", **({"cancelled_at": "2026-11-01T10:00:00.000+00:00"} if draw(st.booleans()) else {}))
        for pid in draw(st.lists(st.sampled_from(["p1", "p2", "p3"]), unique=True))
    ]
    records = []
    for patron_id, kind, amount in draw(st.lists(st.tuples(patron_ids, kinds, amounts), max_size=12)):
        fields = {"amount": {"N": str(amount)}}
        if patron_id:
            fields["patron_id"] = {"S": patron_id}
        if kind:
            fields["kind"] = {"S": kind}
        records.append({"M": fields})
    price = draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2).map(str)))
    return event_item(price=price, roster=roster, payments=records)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(raw_items())
def test_both_reads_agree_and_the_rows_add_up_to_the_totals(item):
    from_model, from_raw = totals_both_ways(item)
    assert from_model == from_raw
    reckoning = ledger.reckon_event(model_of(item))
    rows = reckoning.balances
    assert sum((row.net for row in rows), D("0")) == reckoning.totals.paid
    if reckoning.totals.expected is not None:
        roster_rows = rows[: len(item["roster"]["L"])]
        assert all(row.on_roster for row in roster_rows) and not any(row.on_roster for row in rows[len(roster_rows) :])
        assert sum((row.expected for row in roster_rows), D("0")) == reckoning.totals.expected
        # The roster's outstanding, less what records without a roster patron paid, is the event's.
        roster_outstanding = sum((row.outstanding for row in roster_rows), D("0"))
        assert roster_outstanding - reckoning.off_roster_paid == reckoning.totals.outstanding


CANCELLED = {"cancelled_at": "2026-11-02T10:00:00.000+00:00", "cancel_reason": "sick"}


def test_cancelled_patrons_are_not_expected_to_pay_and_their_payments_show_as_overpaid():
    item = event_item(
        price="45",
        roster=[patron("p1", "Ada"), patron("p2", "Grace", **CANCELLED), patron("p3", "Alan")],
        payments=[payment_record("a", "p1", "45"), payment_record("b", "p2", "45"), payment_record("c", "p3", "20")],
    )
    for totals in totals_both_ways(item):
        assert totals.as_json() == {"paid": "110.00", "expected": "90.00", "outstanding": "-20.00"}
    ada, grace, alan = ledger.reckon_event(model_of(item)).balances
    assert (ada.expected, ada.outstanding, ada.owed, ada.overpaid, ada.cancelled) == (
        D("45.00"),
        D("0.00"),
        D("0.00"),
        None,
        False,
    )
    assert (grace.expected, grace.outstanding, grace.owed, grace.overpaid, grace.cancelled) == (
        D("0.00"),
        D("-45.00"),
        D("0.00"),
        D("45.00"),
        True,
    )
    assert (alan.owed, alan.overpaid) == (D("25.00"), None)


def test_without_a_price_nobody_owes_anything_known():
    item = event_item(price=None, roster=[patron("p1", "Ada", **CANCELLED)], payments=[payment_record("a", "p1", "5")])
    (ada,) = ledger.reckon_event(model_of(item)).balances
    assert (ada.expected, ada.outstanding, ada.owed, ada.overpaid) == (None, None, None, None)


def test_by_patron_and_off_roster_paid():
    item = event_item(
        price="10",
        roster=[patron("p1", "Ada")],
        payments=[payment_record("a", "p1", "10"), legacy_payment("7"), payment_record("x", "gone", "3")],
    )
    reckoning = ledger.reckon_event(model_of(item))
    assert set(reckoning.by_patron) == {"p1"} and reckoning.by_patron["p1"].net == D("10.00")
    assert reckoning.off_roster_paid == D("10.00")


def _records(*raw):
    return ledger.payments(model_of(event_item(payments=list(raw))))


def test_left_of_a_payment_is_its_amount_less_its_refunds_and_nothing_once_voided():
    records = _records(
        payment_record("a", "p1", "50"),
        payment_record("r1", "p1", "-10", kind="refund", refunds={"S": "a"}),
        payment_record("b", "p1", "30"),
        payment_record("r2", "p1", "-12.5", kind="refund", refunds={"S": "a"}),
        payment_record("r3", "p1", "-30", kind="refund", refunds={"S": "b"}),
        payment_record("c", "p1", "20"),
        payment_record("v", "p1", "-20", kind="void", voids={"S": "c"}),
    )
    assert ledger.left_of(records, "a") == D("27.50")
    assert ledger.left_of(records, "b") == D("0.00")
    assert ledger.left_of(records, "c") == D("0.00")
    assert ledger.left_of(records, "nope") is None
    assert [r.payment_id for r in ledger.refunds_of(records, "a")] == ["r1", "r2"]
