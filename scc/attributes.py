"""A DynamoDB number attribute for money: Decimal in, Decimal out, never float."""

from decimal import Decimal, InvalidOperation

from pynamodb.attributes import Attribute
from pynamodb.constants import NUMBER


class DecimalAttribute(Attribute[Decimal]):
    attr_type = NUMBER

    def serialize(self, value):
        if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"DecimalAttribute takes Decimal or int, not {type(value).__name__}")
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError("DecimalAttribute cannot store NaN or Infinity")
        return format(value, "f")

    def deserialize(self, value):
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise ValueError(f"not a number: {value!r}") from exc
