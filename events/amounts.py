"""The amount rule, for payments and for prices: a Decimal in cents, never float.

A decimal string or a JSON number (parsed as Decimal), at most 2 decimal places, at most
100000.00; more than 0 for money that moves (payments, refunds), 0 allowed for a price (a free trip).
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from events.models import CENT
from scc import limits

MAX_AMOUNT = limits.AMOUNT_MAX
# ASCII digits only: \d (and Decimal) would take "٤٥" or fullwidth "４５" as 45.
_AMOUNT_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")


def parse_amount(value, *, allow_zero=False):
    """A Decimal quantized to cents, or ValidationError saying what is wrong."""
    example = "45.00 (0 for free)" if allow_zero else "45.00"
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValidationError(f'Enter the amount as a number or a decimal string, e.g. "{example}".')
    if isinstance(value, str):
        value = value.strip()
        if not _AMOUNT_TEXT.fullmatch(value):
            kind = "an amount" if allow_zero else "a positive amount"
            raise ValidationError(f"Enter {kind} in dollars and cents, e.g. {example}.")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise ValidationError("Enter a valid amount.") from None
    if not amount.is_finite():
        raise ValidationError("Enter a finite amount.")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError("The amount cannot be negative." if allow_zero else "The amount must be more than 0.")
    if amount > MAX_AMOUNT:
        raise ValidationError(f"The amount must be at most ${MAX_AMOUNT:,}.")
    if amount != amount.quantize(CENT):
        raise ValidationError("Use at most 2 decimal places.")
    return amount.quantize(CENT)
