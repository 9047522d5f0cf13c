"""Forms of the events app. All waiver input validation lives in WaiverForm."""

import re
import unicodedata

from django import forms

from scc.forms import ServiceForm

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
        name = " ".join(self.cleaned_data["full_name"].split())
        if any(unicodedata.category(ch) == "Cc" for ch in name):
            raise forms.ValidationError("Please use only letters, spaces and punctuation in your name.")
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if not phone:
            return ""
        digits = sum(ch.isdigit() for ch in phone)
        if not PHONE_CHARACTERS.fullmatch(phone) or not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
            raise forms.ValidationError(
                "Please enter a phone number of 7 to 15 digits; spaces and + ( ) - . are fine.",
            )
        return phone
