"""Amounts and the payment API's field rules, without DynamoDB or the test client: JSON body to Decimal."""

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.forms import (
    MAX_AMOUNT,
    PaymentLogForm,
    PaymentNotifyForm,
    PaymentVoidForm,
    parse_amount,
    parse_payment_id,
)
from scc.api import MAX_BODY_BYTES, parse_json_object
from scc.errors import status_for
from scc.exceptions import DomainError

PROPERTIES = settings(max_examples=150, derandomize=True)
CENTS = st.integers(1, 10_000_000).map(lambda cents: Decimal(cents).scaleb(-2))  # 0.01 .. 100000.00


def body(raw):
    data = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    return parse_json_object(RequestFactory().post("/api/x", data, content_type="application/json"))


# parse_amount ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("45", "45.00"),
        ("45.5", "45.50"),
        (" 45.00 ", "45.00"),
        ("00045.00", "45.00"),
        ("45.000", "45.00"),  # trailing zeros are not a third decimal place
        ("0.01", "0.01"),
        ("100000", "100000.00"),
        (45, "45.00"),
        (Decimal("0.1"), "0.10"),  # a JSON number, parsed as Decimal
        (Decimal("1E+2"), "100.00"),
    ],
)
def test_accepted_amounts_come_back_in_cents(value, expected):
    amount = parse_amount(value)
    assert isinstance(amount, Decimal) and str(amount) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        (0, "more than 0"),
        (Decimal("-5"), "more than 0"),
        ("-5", "positive amount"),
        ("+5", "positive amount"),
        ("12.345", "at most 2 decimal places"),
        (Decimal("0.001"), "at most 2 decimal places"),
        ("100000.01", r"at most \$100,000\.00"),
        (10**6, r"at most \$100,000\.00"),
        ("NaN", "positive amount"),
        ("Infinity", "positive amount"),
        ("1e2", "positive amount"),
        ("1_000", "positive amount"),
        ("4,5", "positive amount"),
        (".5", "positive amount"),
        ("5.", "positive amount"),
        ("", "positive amount"),
        ("   ", "positive amount"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (4.5, "number or a decimal string"),
        (True, "number or a decimal string"),
        (None, "number or a decimal string"),
        ([1], "number or a decimal string"),
        ({"v": 1}, "number or a decimal string"),
    ],
)
def test_refused_amounts_say_why(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_amount(value)


@PROPERTIES
@given(CENTS)
def test_every_amount_in_cents_parses_to_itself_from_text_or_json(amount):
    as_json_number = body(f'{{"a": {amount}}}'.encode())["a"]
    for value in (str(amount), f" {amount} ", amount, as_json_number):
        parsed = parse_amount(value)
        assert parsed == amount and parsed.as_tuple().exponent == -2


@PROPERTIES
@given(st.integers(1, 10**8).filter(lambda mills: mills % 10))
def test_a_third_decimal_place_is_refused(mills):
    amount = Decimal(mills).scaleb(-3)
    for value in (str(amount), amount):
        with pytest.raises(ValidationError):
            parse_amount(value)


@PROPERTIES
@given(
    st.one_of(
        st.text(),
        st.text(st.sampled_from("0123456789. -+eE_")),
        st.integers(),
        st.decimals(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_value_is_an_amount_in_cents_or_a_validation_error(value):
    try:
        amount = parse_amount(value)
    except ValidationError:
        return
    assert isinstance(amount, Decimal) and 0 < amount <= MAX_AMOUNT and amount.as_tuple().exponent == -2


# parse_payment_id ---------------------------------------------------------------------------


@PROPERTIES
@given(st.uuids())
def test_payment_ids_are_canonical_uuids(value):
    for text in (str(value), str(value).upper(), f"  {value}  ", value.hex, f"{{{value}}}"):
        assert parse_payment_id(text) == str(value)


@pytest.mark.parametrize("value", ["", "not-a-uuid", "1234", 12, None, [str(uuid.UUID(int=1))]])
def test_other_payment_ids_are_refused(value):
    with pytest.raises(ValidationError):
        parse_payment_id(value)


# The request body --------------------------------------------------------------------------


def test_json_numbers_are_decimal_never_float():
    data = body(b'{"a": 0.1, "b": 45, "c": 1e2, "d": -0.0}')
    assert data == {"a": Decimal("0.1"), "b": 45, "c": Decimal("1E+2"), "d": Decimal("-0.0")}
    assert not any(isinstance(value, float) for value in data.values())


@PROPERTIES
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_json_number_is_read_exactly_as_written(number):
    text = json.dumps(number)
    value = body(f'{{"a": {text}}}'.encode())["a"]
    assert not isinstance(value, float) and Decimal(text) == value


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400),
        (b"{", 400),
        (b"[]", 400),
        (b"null", 400),
        (b'"ev-1"', 400),
        (b'{"a": NaN}', 400),
        (b'{"a": Infinity}', 400),
        (b'{"a": -Infinity}', 400),
        (b'{"a": "\\ud800"}', 400),  # a lone surrogate: legal JSON, not storable text
        (b'{"\\udfff": 1}', 400),
        (b"\xff\xfe{}", 400),
        (b"[" * 100_000 + b"]" * 100_000, 413),
        (b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}', 413),
    ],
)
def test_bodies_that_are_not_a_json_object_of_text_are_refused(raw, status):
    with pytest.raises(DomainError) as refused:
        body(raw)
    assert status_for(refused.value) == status


def test_deep_nesting_under_the_size_limit_is_a_400():
    with pytest.raises(DomainError) as refused:
        body(b"[" * 8000 + b"]" * 8000)
    assert status_for(refused.value) == 400


# The forms ------------------------------------------------------------------------------------


def log_form(**fields):
    data = {"event_id": "ev-1", "patron_id": "p1", "amount": "45.00", **fields}
    return PaymentLogForm.from_json(data)


def test_log_form_cleans_to_typed_values():
    pid = str(uuid.UUID(int=7))
    form = log_form(amount=Decimal("45.5"), notes="  card at dock ", payment_id=pid.upper())
    assert form.is_valid(), form.api_errors()
    assert form.cleaned_data == {
        "event_id": "ev-1",
        "patron_id": "p1",
        "amount": Decimal("45.50"),
        "notes": "  card at dock ",  # notes are kept as typed
        "payment_id": pid,
        "method": None,
    }
    without_id = log_form()
    assert without_id.is_valid() and without_id.cleaned_data["payment_id"] is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": None}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"event_id": None}, "event_id"),
        ({"event_id": ["ev-1"]}, "event_id"),
        ({"event_id": "x" * 1025}, "event_id"),
        ({"patron_id": 7}, "patron_id"),
        ({"notes": "x" * 1001}, "notes"),
        ({"notes": ["a"]}, "notes"),
        ({"payment_id": "nope"}, "payment_id"),
    ],
)
def test_log_form_names_the_bad_field(fields, field):
    form = log_form(**fields)
    assert not form.is_valid()
    assert list(form.api_errors()) == [field]


def test_void_form_needs_a_reason_and_a_uuid():
    pid = str(uuid.UUID(int=1))
    assert PaymentVoidForm.from_json({"event_id": "ev-1", "payment_id": pid, "reason": "twice"}).is_valid()
    for data, field in [
        ({"payment_id": pid, "reason": "   "}, "reason"),
        ({"payment_id": pid, "reason": "x" * 1001}, "reason"),
        ({"payment_id": "legacy", "reason": "twice"}, "payment_id"),
    ]:
        form = PaymentVoidForm.from_json({"event_id": "ev-1", **data})
        assert not form.is_valid() and list(form.api_errors()) == [field]


@pytest.mark.parametrize(
    ("resend", "valid", "cleaned"), [(None, True, False), (True, True, True), (False, True, False)]
)
def test_notify_resend_is_a_json_boolean(resend, valid, cleaned):
    data = {"event_id": "ev-1", "payment_id": "any stored id"}
    if resend is not None:
        data["resend"] = resend
    form = PaymentNotifyForm.from_json(data)
    assert form.is_valid() is valid and form.cleaned_data["resend"] is cleaned


@pytest.mark.parametrize("resend", ["yes", "false", 1, 0, [True]])
def test_notify_resend_refuses_what_only_looks_boolean(resend):
    form = PaymentNotifyForm.from_json({"event_id": "ev-1", "payment_id": "p", "resend": resend})
    assert not form.is_valid() and list(form.api_errors()) == ["resend"]
