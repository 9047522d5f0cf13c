"""Forms of the events app: the waiver page's (WaiverForm) and the roster API's bodies.

A patron's name and phone follow one rule wherever they are entered (`clean_name`, `clean_phone`).
"""

import re
import unicodedata

from django import forms

from scc.forms import JsonForm, RequiredBooleanField, ServiceForm

FULL_NAME_MAX = 200
PHONE_MAX = 40
PHONE_CHARACTERS = re.compile(r"[0-9+()\-. ]+")
# E.164 numbers have at most 15 digits; fewer than 7 cannot reach anyone.
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15


class WaiverForm(ServiceForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=FULL_NAME_MAX,
        error_messages={
            "required": "Please enter your full name.",
            "max_length": f"Please keep your name to at most {FULL_NAME_MAX} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    email = forms.EmailField(
        label="Email",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=PHONE_MAX,
        help_text="Optional. The crew may call this number on the day of the trip.",
        error_messages={"max_length": f"Please keep the phone number to at most {PHONE_MAX} characters."},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    agree = forms.BooleanField(
        label="I agree to the waiver",
        error_messages={"required": "Please tick “I agree to the waiver” to sign."},
    )

    def clean_full_name(self):
        return clean_name(self.cleaned_data["full_name"])

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


def clean_name(value):
    """A patron's name with runs of white space made one space; control characters refused."""
    name = " ".join(value.split())
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise forms.ValidationError("Please use only letters, spaces and punctuation in your name.")
    return name


def clean_phone(value):
    """A phone number of 7 to 15 digits (spaces and + ( ) - . allowed), or "" for none."""
    phone = " ".join(value.split())
    if not phone:
        return ""
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_CHARACTERS.fullmatch(phone) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        raise forms.ValidationError(
            "Please enter a phone number of 7 to 15 digits; spaces and + ( ) - . are fine.",
        )
    return phone


# The roster API (admins): add, edit, cancel and check in patrons. ----------------------------------

PATRON_ID_MAX = 200
REASON_MAX = 1000


class _PatronFields(JsonForm):
    """name, email and phone as the roster API takes them; an empty email or phone means none."""

    name = forms.CharField(max_length=FULL_NAME_MAX, required=False)
    email = forms.EmailField(required=False, max_length=254)
    phone = forms.CharField(max_length=PHONE_MAX, required=False)

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class RosterAddForm(_PatronFields):
    string_fields = ("event_id", "name", "email", "phone")

    event_id = forms.CharField(max_length=1024)

    def clean(self):
        data = super().clean()
        if "name" in data and not data["name"]:
            self.add_error("name", "Enter the patron's name.")
        return data


class RosterUpdateForm(_PatronFields):
    """Only the fields present in the body change: `changes()` names them."""

    string_fields = ("event_id", "patron_id", "name", "email", "phone")

    event_id = forms.CharField(max_length=1024)
    patron_id = forms.CharField(max_length=PATRON_ID_MAX)

    @classmethod
    def from_json(cls, data):
        form = super().from_json(data)
        form.present = {name for name in ("name", "email", "phone") if name in data}
        return form

    def clean(self):
        data = super().clean()
        if not self.present:
            raise forms.ValidationError("Give at least one of name, email or phone to change.")
        if "name" in self.present and "name" in data and not data["name"]:
            self.add_error("name", "A patron needs a name.")
        changes = {name: data.pop(name) for name in ("name", "email", "phone") if name in data}
        data["changes"] = {name: value for name, value in changes.items() if name in self.present}
        return data


class RosterCancelForm(JsonForm):
    string_fields = ("event_id", "patron_id", "reason")

    event_id = forms.CharField(max_length=1024)
    patron_id = forms.CharField(max_length=PATRON_ID_MAX)
    reason = forms.CharField(max_length=REASON_MAX)


class RosterCheckinForm(JsonForm):
    string_fields = ("event_id", "patron_id")

    event_id = forms.CharField(max_length=1024)
    patron_id = forms.CharField(max_length=PATRON_ID_MAX)
    checked_in = RequiredBooleanField(required=False)
