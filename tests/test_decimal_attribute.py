from decimal import Decimal

import pytest

from events.models import Event, PaymentRecord
from scc.attributes import DecimalAttribute


def test_three_dimes_make_exactly_thirty_cents(tables, raw_table):
    attr = DecimalAttribute()
    total = sum((attr.deserialize(attr.serialize(Decimal("0.10"))) for _ in range(3)), Decimal(0))
    assert total == Decimal("0.30")
    assert str(total) == "0.30"
    Event("dimes").update(actions=[Event.price.set(Decimal("0.10") * 3)])
    assert raw_table.get("dimes")["price"] == {"N": "0.3"}  # DynamoDB normalises; we quantize on read
    assert Event.get("dimes").price == Decimal("0.3")


@pytest.mark.parametrize("bad", [0.1, 1.5, float("nan"), True, "12.30", None])
def test_refuses_floats_and_non_numbers(bad):
    with pytest.raises((TypeError, ValueError)):
        DecimalAttribute().serialize(bad)


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_refuses_non_finite(bad):
    with pytest.raises(ValueError):
        DecimalAttribute().serialize(bad)


def test_serializes_without_exponent():
    assert DecimalAttribute().serialize(Decimal("1E+2")) == "100"
    assert DecimalAttribute().serialize(Decimal("45.00")) == "45.00"


def test_large_and_tiny_values_round_trip_exactly():
    attr = DecimalAttribute()
    for text in ["100000.00", "0.01", "123456789012345678.99"]:
        assert attr.deserialize(attr.serialize(Decimal(text))) == Decimal(text)


def test_payment_record_amount_is_decimal(tables, raw_table):
    from tests.factories import event_item, legacy_payment

    raw_table.put(event_item("legacy", payments=[legacy_payment("12.3")]))
    record = Event.get("legacy").payments[0]
    assert isinstance(record, PaymentRecord)
    assert record.amount == Decimal("12.3")
    assert record.amount_money == Decimal("12.30")
    assert record.is_legacy
