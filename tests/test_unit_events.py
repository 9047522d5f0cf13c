"""The back office's pure rules for events, without DynamoDB: starts, ids, prices, what an edit changed."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from events import amounts, changes, ledger
from events.forms import EventCreateForm, EventEditForm, parse_start, start_input_value
from events.services import new_event_id
from scc.templatetags.scc import balance_class, outstanding


@pytest.mark.parametrize(
    ("stored", "utc"),
    [
        ("2026-12-05T09:30:00-08:00", datetime(2026, 12, 5, 17, 30, tzinfo=UTC)),
        ("2026-12-05T09:30:00", datetime(2026, 12, 5, 17, 30, tzinfo=UTC)),  # no offset: the site's local time
        ("2026-07-05T09:30:00", datetime(2026, 7, 5, 16, 30, tzinfo=UTC)),
        ("2026-12-05", datetime(2026, 12, 5, 8, 0, tzinfo=UTC)),
    ],
)
def test_stored_starts_are_read_with_or_without_an_offset(stored, utc):
    assert ledger.parse_start(stored) == utc


@pytest.mark.parametrize("stored", [None, "", "TBD", "2026-13-01T00:00:00", 17])
def test_unreadable_starts_are_none_and_never_past(stored):
    assert ledger.parse_start(stored) is None
    assert ledger.is_past(SimpleNamespace(starts_at=stored)) is False


def test_a_naive_start_compares_with_now_instead_of_raising():
    assert ledger.is_past(SimpleNamespace(starts_at="2001-01-01T10:00:00")) is True


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026-12-05T09:30", "2026-12-05T09:30:00-08:00"),
        (" 2026-12-05 09:30 ", "2026-12-05T09:30:00-08:00"),
        ("2026-12-05T09:30:15.999", "2026-12-05T09:30:15-08:00"),
        ("2026-12-05T17:30Z", "2026-12-05T09:30:00-08:00"),
        ("2026-12-05T17:30:00+00:00", "2026-12-05T09:30:00-08:00"),
        ("2027-03-14T03:00", "2027-03-14T03:00:00-07:00"),
    ],
)
def test_typed_starts_are_stored_in_the_sites_zone_with_their_offset(typed, stored):
    assert parse_start(typed) == stored


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2027-03-14T02:30", "clocks go forward"),
        ("2026-12-05", "date and time"),
        ("20261205T0930", "date and time"),
        ("2026-12-32T10:00", "real date"),
        ("2100-01-01T10:00", "between 2000 and 2099"),
        ("0001-01-01T00:00Z", "between 2000 and 2099"),  # converting it would overflow
        ("9999-12-31T23:59-12:00", "between 2000 and 2099"),
        ("٢٠٢٦-12-05T10:00", "date and time"),
    ],
)
def test_starts_that_are_not_one_moment_are_refused_in_words(typed, words):
    with pytest.raises(ValidationError, match=words):
        parse_start(typed)


def test_a_stored_start_shows_in_the_form_as_local_wall_time():
    assert start_input_value("2026-12-05T17:30:00Z") == "2026-12-05T09:30"
    assert start_input_value("2026-12-05T09:30:15-08:00") == "2026-12-05T09:30:15"
    assert start_input_value("TBD") == ""


def test_prices_follow_the_amount_rule_with_zero_allowed():
    assert amounts.parse_amount("0", allow_zero=True) == Decimal("0.00")
    assert amounts.parse_amount(Decimal("12.5"), allow_zero=True) == Decimal("12.50")
    for bad in ["-1", "0.001", "100000.01", "", True]:
        with pytest.raises(ValidationError):
            amounts.parse_amount(bad, allow_zero=True)
    with pytest.raises(ValidationError, match="more than 0"):
        amounts.parse_amount("0")


def test_generated_ids_have_the_date_a_slug_and_four_random_characters():
    event_id = new_event_id(title="Sunset Sail", starts_at="2026-12-05T17:30:00-08:00")
    date, rest = event_id[:10], event_id[11:]
    assert date == "2026-12-05" and rest.startswith("sunset-sail-") and len(rest) == len("sunset-sail-") + 4
    assert len({new_event_id(title="x", starts_at="2026-12-05T00:00:00-08:00") for _ in range(50)}) > 45


def test_edits_name_each_change_from_what_to_what():
    event = SimpleNamespace(title="A", starts_at="2026-12-05T09:30:00-08:00", location=None, price=Decimal("45"))
    event.capacity, event.waiver_text = Decimal("20"), "x" * 1500
    fields = {"title": "A", "starts_at": "2026-12-05T17:30:00+00:00", "location": "Pier 66", "price": Decimal("45.00")}
    fields.update(capacity=12, waiver_text=None)
    changed = changes.diff(event, fields)
    assert [change.name for change in changed] == ["location", "capacity", "waiver_text"]
    assert changes.describe(changed) == (
        "Location: none → “Pier 66”; Capacity: 20 → 12; "
        "Waiver text: a custom waiver (1,500 characters) → the standard waiver"
    )


@pytest.mark.parametrize(
    ("value", "words", "css"),
    [
        (Decimal("45.00"), "$45.00", "owing"),
        (Decimal("-10.5"), "Overpaid $10.50", "overpaid"),
        (Decimal("0"), "$0.00", "settled"),
    ],
)
def test_outstanding_amounts_say_overpaid_when_negative(value, words, css):
    assert (outstanding(value), balance_class(value)) == (words, css)
    assert (outstanding(None), balance_class(None)) == ("—", "")


def test_json_bodies_refuse_unknown_fields_and_ill_typed_values():
    form = EventCreateForm.from_json({"title": 5, "starts_at": "2026-12-05T10:00", "roster": [], "capacity": "7"})
    assert not form.is_valid()
    # In JSON a whole number is a number: "7" is refused too (the page form's text field is not JSON).
    assert set(form.api_errors()) == {"title", "roster", "capacity"}
    partial = EventEditForm.from_json({"version": 2, "price": "0"}, partial=True)
    assert partial.is_valid() and partial.event_values() == {"price": Decimal("0.00")}
    assert not EventEditForm.from_json({"version": 2}, partial=True).is_valid()
