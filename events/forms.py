"""Forms of the events app: the waiver page's (WaiverForm), the roster API's bodies, and the event
form (EventForm) for the event pages and the event API.

A patron's name and phone follow one rule wherever they are entered (`clean_name`, `clean_phone`).
"""

import re
from datetime import UTC, datetime

from django import forms
from django.utils import timezone

from events import amounts, changes, ledger
from events.models import EVENT_FIELDS, money
from scc import limits, text
from scc.forms import EmailAddressField, IdField, JsonForm, RequiredBooleanField, ServiceForm, TextField

FULL_NAME_MAX = limits.NAME_MAX
PHONE_MAX = limits.PHONE_MAX
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
    email = EmailAddressField(
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

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


def clean_name(value):
    """A patron's name with runs of white space made one space; control and invisible characters
    (zero-width, bidi overrides: scc.text) refused."""
    return text.one_line(value, message="Please use only letters, spaces and punctuation in your name.")


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

PATRON_ID_MAX = limits.PATRON_ID_MAX
REASON_MAX = limits.REASON_MAX


class _PatronFields(JsonForm):
    """name, email and phone as the roster API takes them; an empty email or phone means none."""

    name = forms.CharField(max_length=FULL_NAME_MAX, required=False)
    email = EmailAddressField(required=False)
    phone = forms.CharField(max_length=PHONE_MAX, required=False)

    def clean_name(self):
        return clean_name(self.cleaned_data["name"])

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class RosterAddForm(_PatronFields):
    string_fields = ("event_id", "name", "email", "phone")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)

    def clean(self):
        data = super().clean()
        if "name" in data and not data["name"]:
            self.add_error("name", "Enter the patron's name.")
        return data


class RosterUpdateForm(_PatronFields):
    """Only the fields present in the body change: `changes()` names them."""

    string_fields = ("event_id", "patron_id", "name", "email", "phone")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    patron_id = IdField(max_length=PATRON_ID_MAX)

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

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    patron_id = IdField(max_length=PATRON_ID_MAX)
    reason = TextField(max_length=REASON_MAX, multiline=True)


class RosterCheckinForm(JsonForm):
    string_fields = ("event_id", "patron_id")

    event_id = IdField(max_length=limits.EVENT_REF_MAX)
    patron_id = IdField(max_length=PATRON_ID_MAX)
    checked_in = RequiredBooleanField(required=False)


# Events (the back office's create and edit forms, and the JSON API's bodies) ----------------------

TITLE_MAX, LOCATION_MAX = limits.TITLE_MAX, limits.LOCATION_MAX
WAIVER_TEXT_MAX = limits.WAIVER_TEXT_MAX
CAPACITY_MIN, CAPACITY_MAX = limits.CAPACITY_MIN, limits.CAPACITY_MAX
VERSION_MAX = limits.VERSION_MAX
FIRST_YEAR, LAST_YEAR = 2000, 2099
EVENT_ID_MAX = limits.EVENT_ID_MAX
EVENT_ID = re.compile(limits.EVENT_ID_PATTERN)
# The ISO 8601 forms a start may take: a datetime-local input's "2026-12-05T09:30", seconds, an offset.
START = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_TEXT_FIELDS = ("title", "starts_at", "location", "waiver_text", "event_id")
# In JSON a number is a number, and none is null: the page forms' "" and "12" are theirs only.
_NUMBER_FIELDS = ("price", "capacity", "version")
_WHOLE_NUMBER_FIELDS = ("capacity", "version")


def parse_start(text):
    """A start typed as local time (no offset) or sent with an offset, as stored: ISO 8601 with the
    offset of the site's zone (SCC_TIME_ZONE) at that moment, to the second."""
    text = text.strip()
    if not START.fullmatch(text):
        raise forms.ValidationError("Enter a date and time, e.g. 2026-12-05T09:30 (local) or with an offset.")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise forms.ValidationError("Enter a real date and time, e.g. 2026-12-05T09:30.") from None
    # Checked before any conversion: the zone arithmetic overflows at years 1 and 9999.
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise forms.ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")
    zone = timezone.get_default_timezone()
    if moment.tzinfo is None:
        moment = _local(moment, zone)
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def _local(naive, zone):
    """A wall-clock time in `zone`; a time the clocks skip (spring forward) is refused, not shifted."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            f"{naive:%H:%M} does not exist on {naive:%Y-%m-%d} in {zone.key}: the clocks go forward then. "
            "Choose another time."
        )
    return aware


def start_input_value(stored):
    """A stored start as a datetime-local input shows it: local wall time in the site's zone."""
    moment = ledger.parse_start(stored)
    if moment is None:
        return ""
    moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


class PriceField(forms.Field):
    """A price as amounts are (events.amounts), 0 allowed (a free trip); empty means no price."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        return amounts.parse_amount(value, allow_zero=True)


class WholeNumberField(forms.Field):
    """A whole number from a form (digits) or JSON (an integer); empty means none."""

    def __init__(self, *, minimum, maximum, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise forms.ValidationError("Enter a whole number.")
        if not self.minimum <= value <= self.maximum:
            raise forms.ValidationError(f"Enter a number from {self.minimum} to {self.maximum}.")
        return value


class EventForm(ServiceForm):
    """An event's app-owned fields, for the page forms and the JSON API alike (one set of rules).

    Optional fields left empty (or null in JSON) mean "none": no location, no set price, no
    capacity limit, the standard waiver.
    """

    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        error_messages={
            "required": "Enter a title.",
            "max_length": f"Keep the title to at most {TITLE_MAX} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    starts_at = forms.CharField(
        label="Starts at",
        max_length=limits.STARTS_AT_MAX,
        error_messages={"required": "Enter the date and time the trip starts."},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    location = forms.CharField(
        label="Location",
        required=False,
        max_length=LOCATION_MAX,
        error_messages={"max_length": f"Keep the location to at most {LOCATION_MAX} characters."},
        help_text="Optional. Where patrons meet the boat, e.g. Pier 66, Seattle.",
    )
    price = PriceField(
        label="Price (USD)",
        required=False,
        help_text="Per patron. 0 for a free trip; leave empty if there is no set price.",
        # data-amount: the page's script sends "$45" or "1,000.50" as the decimal the field takes.
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "45.00", "data-amount": ""}
        ),
    )
    capacity = WholeNumberField(
        label="Capacity",
        required=False,
        minimum=CAPACITY_MIN,
        maximum=CAPACITY_MAX,
        help_text=f"Optional. The most patrons the trip takes ({CAPACITY_MIN}–{CAPACITY_MAX}).",
        widget=forms.NumberInput(attrs={"min": CAPACITY_MIN, "max": CAPACITY_MAX, "inputmode": "numeric"}),
    )
    waiver_text = forms.CharField(
        label="Waiver text",
        required=False,
        help_text="Optional. Leave empty to use the standard waiver.",
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": WAIVER_TEXT_MAX}),
    )

    type_errors = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_default_timezone_name()
        self.fields["starts_at"].help_text = f"Local time ({zone})."

    @classmethod
    def from_json(cls, data, *, partial=False):
        """A form bound to a parsed JSON object. Unknown keys and ill-typed values are refused (they
        would otherwise be ignored or turned into text); with `partial`, only the fields sent are checked."""
        type_errors = {}
        values = {}
        for name, value in data.items():
            if name not in cls.base_fields:
                type_errors[name] = ["Unknown field."]
            elif name in _TEXT_FIELDS and value is not None and not isinstance(value, str):
                type_errors[name] = ["Must be a string or null."]
            elif name in _NUMBER_FIELDS and value == "":
                type_errors[name] = ["Send null for none, not an empty string."]
            elif name in _WHOLE_NUMBER_FIELDS and isinstance(value, str):
                type_errors[name] = ["Must be a whole number (not a string) or null."]
            else:
                values[name] = "" if value is None else value
        form = cls(data=values)
        if partial:
            for name in EVENT_FIELDS:
                if name not in data:
                    del form.fields[name]
            if not any(name in data for name in EVENT_FIELDS):
                type_errors.setdefault("__all__", []).append(f"Send at least one of {', '.join(EVENT_FIELDS)}.")
        form.type_errors = type_errors
        return form

    def is_valid(self):
        return super().is_valid() and not self.type_errors

    def api_errors(self):
        errors = {name: [str(message) for message in messages] for name, messages in self.errors.items()}
        for name, messages in (self.type_errors or {}).items():
            errors.setdefault(name, []).extend(messages)
        return errors

    def clean_title(self):
        return text.one_line(self.cleaned_data["title"])

    def clean_location(self):
        return text.one_line(self.cleaned_data["location"]) or None

    def clean_starts_at(self):
        return parse_start(self.cleaned_data["starts_at"])

    def clean_waiver_text(self):
        waiver = self.cleaned_data["waiver_text"].replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(waiver) > WAIVER_TEXT_MAX:
            raise forms.ValidationError(f"Keep the waiver text to at most {WAIVER_TEXT_MAX:,} characters.")
        return text.check_text(waiver, multiline=True) or None

    def event_values(self):
        """The cleaned app-owned fields this form carries: {name: value or None}."""
        return {name: self.cleaned_data[name] for name in EVENT_FIELDS if name in self.cleaned_data}

    conflicts = None  # {field: what is stored now, in words}, after a save lost to someone else's

    def rows(self):
        """The page's fields in order, each with what is stored now when that differs after a lost save."""
        conflicts = self.conflicts or {}
        return [
            {"field": self[name], "stored": conflicts.get(name), "half": name in ("price", "capacity")}
            for name in EVENT_FIELDS
            if name in self.fields
        ]


class EventCreateForm(EventForm):
    # Only the API sets an id; the page lets the app make a readable one.
    event_id = forms.CharField(
        required=False,
        max_length=EVENT_ID_MAX,
        strip=False,
        empty_value=None,
        error_messages={"max_length": f"Keep the event id to at most {EVENT_ID_MAX} characters."},
    )

    @classmethod
    def from_json(cls, data, *, partial=False):
        form = super().from_json(data, partial=partial)
        if data.get("event_id") == "":
            form.type_errors.setdefault("event_id", []).append("Cannot be empty: leave event_id out to get a new id.")
        return form

    def clean_event_id(self):
        event_id = self.cleaned_data["event_id"]
        if event_id is not None and not EVENT_ID.fullmatch(event_id):
            raise forms.ValidationError("Use letters, digits, - and _ only, starting with a letter or digit.")
        return event_id


class EventEditForm(EventForm):
    # The version the editor read: a save is refused when someone else saved in between.
    version = WholeNumberField(
        minimum=0,
        maximum=VERSION_MAX,
        widget=forms.HiddenInput,
        error_messages={"required": "Send the version you read (the event's `version`)."},
    )

    @staticmethod
    def initial_for(event):
        return {
            "title": event.title,
            "starts_at": start_input_value(event.starts_at),
            "location": event.location,
            "price": "" if event.price is None else str(money(event.price)),
            "capacity": event.capacity_number,
            "waiver_text": event.waiver_text,
            "version": event.version_number,
        }

    def show_stored(self, event):
        """After losing to someone else's save: keep what was typed, say what is stored now where it
        differs, and take the stored version, so that saving again is a choice made knowing both."""
        data = self.data.copy()
        data["version"] = str(event.version_number)
        self.data = data
        self.conflicts = {
            name: stored_words(name, getattr(event, name))
            for name in EVENT_FIELDS
            if not changes.same(name, getattr(event, name), self.cleaned_data.get(name))
        }


def stored_words(name, value):
    """A stored field as the form shows it beside a typed value: local times, dollars, "no limit"."""
    if name == "starts_at" and value is not None:
        moment = ledger.parse_start(value)
        return timezone.localtime(moment).strftime("%a, %b %-d, %Y · %-I:%M %p") if moment else value
    return changes.show(name, value)
