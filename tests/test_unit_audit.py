"""The audit trail's pure parts, without DynamoDB: filter query strings, filters, stored times, totals, pages."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import msgspec
import pytest
from django.http import QueryDict
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.audit_items import AuditItem
from payments.audit_views import _page_number
from payments.forms import AuditFilterForm
from payments.selectors import AUDIT_ATTRIBUTES, AuditFilters, AuditPage, AuditRow, AuditTotals, event_rows
from scc import clock
from tests.factories import event_item, legacy_payment, patron, payment_record
from tests.test_vocabulary import STORED_CODES

PROPERTIES = settings(max_examples=150, derandomize=True)
LA = ZoneInfo("America/Los_Angeles")  # the site's zone in these settings


def audit_entry(at, action, operator="alice", **fields):
    return {
        "M": {"at": {"S": at}, "operator": {"S": operator}, "action": {"S": action}}
        | {name: {"S": value} for name, value in fields.items()}
    }


def row(**fields):
    values = {
        "at": "2026-11-01T10:00:00+00:00",
        "moment": datetime(2026, 11, 1, 10, tzinfo=UTC),
        "operator": "alice",
        "action": "payment.logged",
        "event_id": "sunset",
        "event_title": "Sunset",
        "patron_id": "p1",
        "patron_name": "Ada Lovelace",
        "amount": Decimal("45.00"),
        "payment_id": "pay-1",
        "detail": "",
    }
    values.update(fields)
    return AuditRow(**values)


# Stored times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-11-01T10:00:00.000+00:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T02:00:00-08:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T10:00:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),  # the table's naive times are UTC
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("not a time", None),
        ("", None),
        (None, None),
        (1700000000, None),
    ],
)
def test_parse_time(stored, expected):
    moment = clock.parse(stored)
    assert moment == expected
    assert moment is None or moment.utcoffset() == timedelta(0)


# The filter form: what the query string means ---------------------------------------------------


def filters_from(query):
    form = AuditFilterForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return form.filters()


def test_no_query_is_no_filter():
    assert filters_from("") == AuditFilters()
    assert filters_from("page=3&unknown=x") == AuditFilters()


def test_text_filters_are_trimmed():
    assert filters_from("event=+sunset+&operator=%20bob%20&patron=+ada+&action=email.sent") == AuditFilters(
        event="sunset", operator="bob", patron="ada", action="email.sent"
    )


def test_days_are_whole_local_days_until_inclusive():
    filters = filters_from("since=2026-07-04&until=2026-07-05")
    assert filters.since == datetime(2026, 7, 4, tzinfo=LA)
    assert filters.until == datetime(2026, 7, 6, tzinfo=LA)  # exclusive: the whole of July 5th counts
    assert filters.since.utcoffset() == timedelta(hours=-7)


def test_the_day_summer_time_ends_is_25_hours_long():
    filters = filters_from("since=2026-11-01&until=2026-11-01")
    assert filters.until.astimezone(UTC) - filters.since.astimezone(UTC) == timedelta(hours=25)
    last_minute = datetime(2026, 11, 1, 23, 59, tzinfo=LA).astimezone(UTC)
    assert filters.matches(row(moment=last_minute))
    assert not filters.matches(row(moment=last_minute + timedelta(minutes=1)))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("since=yesterday", "since", "Enter the date as YYYY-MM-DD"),
        ("until=2026-13-45", "until", "Enter the date as YYYY-MM-DD"),
        ("since=11/01/2026", "since", "Enter the date as YYYY-MM-DD"),
        ("since=2026-11-05&until=2026-11-01", "until", "Until must be on or after Since."),
        ("action=drop", "action", "Select a valid choice"),
        ("action=payment.logged%20", "action", "Select a valid choice"),
        ("operator=" + "x" * 151, "operator", "at most 150 characters"),
        ("event=" + "x" * 1025, "event", "at most 1024 characters"),
    ],
)
def test_bad_filters_are_form_errors_on_their_field(query, field, message):
    form = AuditFilterForm(QueryDict(query))
    assert not form.is_valid()
    assert list(form.errors) == [field] and message in " ".join(form.errors[field])


def test_every_action_the_trail_records_can_be_chosen():
    choices = [value for value, _ in AuditFilterForm().fields["action"].choices if value]
    assert set(choices) == STORED_CODES["audit_action"]


# AuditFilters.matches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "matches"),
    [
        (AuditFilters(event="sunset"), True),
        (AuditFilters(event="SUNS"), True),  # or part of the title, any case
        (AuditFilters(event="sunset-2"), False),  # an id is exact, and this is in no title
        (AuditFilters(event="dawn"), False),
        (AuditFilters(operator="ALICE"), True),  # operators ignore case
        (AuditFilters(operator="ali"), True),  # ...and match a fragment, as Patron does
        (AuditFilters(operator="bob"), False),
        (AuditFilters(action="payment.logged"), True),
        (AuditFilters(action="payment.voided"), False),
        (AuditFilters(patron="P1"), True),  # a patron id, any case
        (AuditFilters(patron="lovelace"), True),  # or part of a name
        (AuditFilters(patron="p"), False),  # a partial id is not an id, and "p" is in no name here
        (AuditFilters(patron="grace"), False),
        (AuditFilters(since=datetime(2026, 11, 1, 10, tzinfo=UTC)), True),  # since is inclusive
        (AuditFilters(until=datetime(2026, 11, 1, 10, tzinfo=UTC)), False),  # until is exclusive
        (AuditFilters(until=datetime(2026, 11, 1, 10, 0, 1, tzinfo=UTC)), True),
    ],
)
def test_each_filter(filters, matches):
    assert filters.matches(row()) is matches


def test_undated_rows_match_only_without_dates():
    undated = row(moment=None, at="garbage")
    assert AuditFilters(operator="alice").matches(undated)
    assert not AuditFilters(since=datetime(2000, 1, 1, tzinfo=UTC)).matches(undated)
    assert not AuditFilters(until=datetime(3000, 1, 1, tzinfo=UTC)).matches(undated)


def test_rows_without_a_patron_match_no_patron_filter():
    assert not AuditFilters(patron="ada").matches(row(patron_id=None, patron_name=None))
    assert AuditFilters(patron="ada").matches(row(patron_id=None))  # the name still counts


moments = st.one_of(st.none(), st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)))
rows = st.builds(
    row,
    moment=moments.map(lambda m: m and m.replace(tzinfo=UTC)),
    operator=st.sampled_from(["alice", "Bob", "bob", ""]),
    action=st.sampled_from(["payment.logged", "payment.voided", "email.sent", "waiver.signed", ""]),
    event_id=st.sampled_from(["sunset", "harbor", "Sunset"]),
    patron_id=st.sampled_from([None, "p1", "P2"]),
    patron_name=st.sampled_from([None, "Ada Lovelace", "Grace Hopper", ""]),
)
bounds = st.one_of(st.none(), st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1))).map(
    lambda m: m and m.replace(tzinfo=UTC)
)
single_fields = st.fixed_dictionaries(
    {},
    optional={
        "event": st.sampled_from(["sunset", "harbor"]),
        "operator": st.sampled_from(["alice", "bob", "BOB"]),
        "action": st.sampled_from(["payment.logged", "email.sent"]),
        "patron": st.sampled_from(["p1", "ada", "hopper", "p2"]),
        "since": bounds.filter(bool),
        "until": bounds.filter(bool),
    },
)


@PROPERTIES
@given(rows, single_fields)
def test_a_combined_filter_matches_exactly_the_rows_every_single_filter_matches(audit_row, fields):
    each = all(AuditFilters(**{name: value}).matches(audit_row) for name, value in fields.items())
    assert AuditFilters(**fields).matches(audit_row) is each


@PROPERTIES
@given(rows, bounds, bounds)
def test_since_and_until_are_a_half_open_window(audit_row, since, until):
    inside = audit_row.moment is not None and (since is None or since <= audit_row.moment)
    inside = inside and (until is None or audit_row.moment < until)
    if since is None and until is None:
        inside = True
    assert AuditFilters(since=since, until=until).matches(audit_row) is inside


# Totals and pages -----------------------------------------------------------------------------------


def test_totals_count_payments_and_voids_only():
    totals = AuditTotals()
    for audit_row in [
        row(amount=Decimal("45.00")),
        row(amount=Decimal("30.50")),
        row(action="payment.voided", amount=Decimal("-45.00")),
        row(action="email.sent", amount=Decimal("45.00")),
        row(action="payment.logged", amount=None),  # no amount to read: left out, and counted as such
    ]:
        totals.add(audit_row)
    assert (totals.payments, totals.paid, totals.voids, totals.voided) == (2, Decimal("75.50"), 1, Decimal("-45.00"))
    assert totals.net == Decimal("30.50") and totals.unreadable == 1


@pytest.mark.parametrize(
    ("count", "number", "pages", "start", "end", "previous", "following"),
    [
        (0, 1, 1, 0, 0, False, False),
        (50, 1, 1, 1, 50, False, False),
        (51, 1, 2, 1, 50, False, True),
        (51, 2, 2, 51, 51, True, False),
        (120, 2, 3, 51, 100, True, True),
    ],
)
def test_page_arithmetic(count, number, pages, start, end, previous, following):
    page = AuditPage(rows=[], count=count, number=number, per_page=50, totals=AuditTotals())
    assert (page.num_pages, page.start, page.end, page.has_previous, page.has_next) == (
        pages,
        start,
        end,
        previous,
        following,
    )


@pytest.mark.parametrize(
    ("value", "number"),
    [("", 1), ("2", 2), ("999999", 999999), ("1000000", 1), ("-1", 1), ("abc", 1), ("2.0", 1), ("1e3", 1)],
)
def test_page_numbers_from_the_query(value, number):
    assert _page_number(RequestFactory().get("/audit/", {"page": value})) == number


# One event's rows ---------------------------------------------------------------------------------------


def audit_item(raw):
    """A raw DynamoDB item as the audit's Scan decodes it."""
    return msgspec.json.decode(json.dumps(raw), type=AuditItem)


def test_event_rows_synthesize_legacy_records_and_fill_in_from_the_payment():
    item = audit_item(
        event_item(
            "sunset",
            title={"S": "Sunset"},
            roster=[patron("p1", "Ada Lovelace")],
            payments=[
                legacy_payment("20", operator="admin", notes="cash", timestamp="2026-10-01T17:00:00+00:00"),
                payment_record("pay-1", "p1", "45", notes="card", method={"S": "card"}),
            ],
            audit={
                "L": [
                    {
                        "M": {
                            "at": {"S": "2026-11-01T10:00:00.000+00:00"},
                            "operator": {"S": "alice"},
                            "action": {"S": "payment.logged"},
                            "payment_id": {"S": "pay-1"},
                        }
                    },
                    {
                        "M": {
                            "at": {"S": "2026-11-02T10:00:00.000+00:00"},
                            "operator": {"S": "alice"},
                            "action": {"S": "email.sent"},
                            "payment_id": {"S": "pay-1"},
                        }
                    },
                ]
            },
        )
    )
    rows_ = event_rows(item)
    assert [(r.action, r.legacy) for r in rows_] == [
        ("email.sent", False),
        ("payment.logged", False),
        ("payment.logged", True),  # the old system's record stands for its own entry
    ]
    sent, logged, legacy = rows_
    assert (logged.patron_name, logged.amount, logged.detail, logged.method) == (
        "Ada Lovelace",
        Decimal("45.00"),
        "card",
        "card",
    )
    assert legacy.method is None
    assert sent.detail == ""  # a payment's notes belong to payment rows only
    assert (legacy.operator, legacy.amount, legacy.payment_id, legacy.detail) == (
        "admin",
        Decimal("20.00"),
        None,
        "cash",
    )
    assert {r.event_title for r in rows_} == {"Sunset"}


def test_the_audit_item_is_the_projection():
    assert list(AuditItem.__struct_fields__) == AUDIT_ATTRIBUTES


def test_values_of_other_types_or_shapes_read_as_absent_and_unreadable_entries_say_so():
    item = audit_item(
        {
            "event_id": {"S": "odd"},
            "title": {"N": "7"},
            "roster": {"M": {"p1": {"S": "not a list"}}},
            "payments": {"L": [{"S": "not a map"}, {"M": {"amount": {"N": "5"}, "notes": {"BOOL": True}}}]},
            "audit": {
                "L": [
                    {"L": []},
                    {"M": {"at": {"N": "1700000000"}, "action": {"S": "payment.refunded"}, "amount": {"S": "x"}}},
                    # An amount on a row that moves no money is never shown, so it cannot spoil the row.
                    {"M": {"action": {"S": "waiver.signed"}, "amount": {"S": "x"}}},
                ]
            },
        }
    )
    rows_ = event_rows(item)
    assert [(r.event_title, r.action, r.at, r.amount, r.detail, r.legacy, r.unreadable) for r in rows_] == [
        ("odd", "", "", None, "", False, "audit[0]"),  # not a map: a row saying so
        ("odd", "payment.refunded", "", None, "", False, "audit[1]"),  # its amount is text
        ("odd", "waiver.signed", "", None, "", False, None),
        ("odd", "payment.logged", "", Decimal("5.00"), "", True, None),
    ]
    assert rows_[0].unreadable_label == "Unreadable record (audit[0] of event odd)"
