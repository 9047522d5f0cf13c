"""Validation of the payment API's request bodies: every rule in one place.

JSON values arrive typed (numbers as Decimal, see scc.api.parse_json_object);
each form checks types first, so a list or null never reaches a Django field.
"""

import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.amounts import MAX_AMOUNT, parse_amount  # noqa: F401 (the payment API's rule, re-exported)
from events.models import PaymentMethod
from payments.selectors import AuditFilters
from scc import limits
from scc.forms import IdField, JsonForm, StrictBooleanField, TextField
from scc.vocabulary import AuditAction

MAX_NOTES = limits.NOTES_MAX


def parse_payment_id(value):
    """A UUID in canonical form, or ValidationError."""
    if not isinstance(value, str):
        raise ValidationError("payment_id must be a UUID string.")
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValidationError("payment_id must be a UUID.") from None


class AmountField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        return parse_amount(value)


class PaymentIdField(forms.Field):
    """A client-chosen UUID. Absent (null) means none; an empty string is refused, never taken for absent."""

    def to_python(self, value):
        if value is None:
            return None
        if value == "":
            raise ValidationError("Leave the id out to let the server make one; it cannot be empty.")
        return parse_payment_id(value)


class MethodField(forms.ChoiceField):
    """A PaymentMethod code, or None when absent."""

    def __init__(self, **kwargs):
        super().__init__(choices=PaymentMethod.choices(), required=False, **kwargs)

    def clean(self, value):
        if value is None:
            return None
        if value == "":
            raise ValidationError("Choose how the patron paid, or leave method out.")
        return super().clean(value) or None


class PaymentLogForm(JsonForm):
    string_fields = ("event_id", "patron_id", "notes", "method")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    patron_id = IdField(max_length=limits.PATRON_ID_MAX)
    amount = AmountField()
    notes = TextField(max_length=MAX_NOTES, required=False, strip=False, multiline=True)
    payment_id = PaymentIdField(required=False)
    method = MethodField()


class PaymentRefundForm(JsonForm):
    string_fields = ("event_id", "payment_id", "reason")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    # Any stored id, not only UUIDs: other software may have written the payment.
    payment_id = IdField(max_length=limits.PAYMENT_ID_MAX)
    amount = AmountField()
    reason = TextField(max_length=limits.REASON_MAX, multiline=True)
    refund_id = PaymentIdField(required=False)


class PaymentVoidForm(JsonForm):
    string_fields = ("event_id", "reason")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    payment_id = PaymentIdField()
    reason = TextField(max_length=limits.REASON_MAX, multiline=True)


class AuditFilterForm(forms.Form):
    """The audit page's GET filters; the CSV takes the same."""

    event = forms.CharField(required=False, max_length=1024, label="Event")
    operator = forms.CharField(required=False, max_length=150, label="Operator")
    action = forms.ChoiceField(required=False, label="Action", choices=[("", "Any action"), *AuditAction.choices()])
    patron = forms.CharField(required=False, max_length=200, label="Patron", help_text="Name or patron id")
    since = forms.DateField(
        required=False,
        label="Since",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-12-05."},
    )
    until = forms.DateField(
        required=False,
        label="Until",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-12-05."},
    )

    def clean_since(self):
        return _within_years(self.cleaned_data["since"])

    def clean_until(self):
        return _within_years(self.cleaned_data["until"])

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "Until must be on or after Since.")
        return data

    def filters(self):
        """The cleaned values as AuditFilters; dates are whole days in the site's time zone."""
        data = self.cleaned_data
        return AuditFilters(
            event=data["event"].strip(),
            operator=data["operator"].strip(),
            action=data["action"],
            patron=data["patron"].strip(),
            since=_day_start(data["since"]),
            until=_day_start(data["until"] + timedelta(days=1)) if data["until"] else None,
        )


# A filter day's bounds are computed in the site's zone and a day later: years 1 and 9999 would
# overflow, and no audit entry is that old or that far ahead.
FIRST_FILTER_YEAR, LAST_FILTER_YEAR = 1900, 9998


def _within_years(day):
    if day is not None and not FIRST_FILTER_YEAR <= day.year <= LAST_FILTER_YEAR:
        raise ValidationError(f"Enter a date between {FIRST_FILTER_YEAR} and {LAST_FILTER_YEAR}.")
    return day


def _day_start(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


class PaymentNotifyForm(JsonForm):
    string_fields = ("event_id", "payment_id")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    # Any stored id, not only UUIDs: other software may have written the record.
    payment_id = IdField(max_length=limits.PAYMENT_ID_MAX)
    resend = StrictBooleanField(required=False)
