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
from payments.selectors import AuditFilters
from scc.vocabulary import AuditAction

MAX_NOTES = 1000


def parse_payment_id(value):
    """A UUID in canonical form, or ValidationError."""
    if not isinstance(value, str):
        raise ValidationError("payment_id must be a UUID string.")
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValidationError("payment_id must be a UUID.") from None


class JsonForm(forms.Form):
    """A Form fed from a parsed JSON object; string fields refuse non-strings."""

    string_fields = ()

    @classmethod
    def from_json(cls, data):
        type_errors = {}
        for name in cls.string_fields:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                type_errors[name] = ["Must be a string."]
        form = cls(data={name: data.get(name) for name in cls.base_fields})
        form.type_errors = type_errors
        return form

    def api_errors(self):
        errors = {name: [str(m) for m in messages] for name, messages in self.errors.items()}
        errors.update(self.type_errors)
        return errors

    def is_valid(self):
        return super().is_valid() and not self.type_errors


class AmountField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        return parse_amount(value)


class PaymentIdField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        return parse_payment_id(value)


class PaymentLogForm(JsonForm):
    string_fields = ("event_id", "patron_id", "notes")

    event_id = forms.CharField(max_length=1024)
    patron_id = forms.CharField(max_length=200)
    amount = AmountField()
    notes = forms.CharField(max_length=MAX_NOTES, required=False, strip=False)
    payment_id = PaymentIdField(required=False)


class PaymentVoidForm(JsonForm):
    string_fields = ("event_id", "reason")

    event_id = forms.CharField(max_length=1024)
    payment_id = PaymentIdField()
    reason = forms.CharField(max_length=MAX_NOTES)


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


def _day_start(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


class StrictBooleanField(forms.Field):
    """JSON true or false (absent means false); "yes", 1 and "false" are refused, not guessed."""

    def to_python(self, value):
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        raise ValidationError("Must be true or false.")


class PaymentNotifyForm(JsonForm):
    string_fields = ("event_id", "payment_id")

    event_id = forms.CharField(max_length=1024)
    # Any stored id, not only UUIDs: other software may have written the record.
    payment_id = forms.CharField(max_length=200)
    resend = StrictBooleanField(required=False)
