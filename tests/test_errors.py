"""One error path: domain errors carry no HTTP; scc.errors alone turns them into answers. No DynamoDB."""

import ast
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django import forms

from accounts import errors as account_errors
from events import errors as event_errors
from payments import errors as payment_errors
from scc import clock, errors
from scc.exceptions import DomainError, RequestTooLarge
from scc.forms import ServiceForm

ROOT = Path(__file__).resolve().parent.parent


def all_domain_errors(kind=DomainError):
    for sub in kind.__subclasses__():
        yield sub
        yield from all_domain_errors(sub)


def test_domain_errors_carry_no_http():
    kinds = set(all_domain_errors())
    assert len(kinds) > 20  # every app's errors are imported above
    for kind in kinds:
        assert not any(hasattr(kind, name) for name in ("status", "status_code", "http_status")), kind


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (payment_errors.InvalidPayment("bad"), 400),
        (account_errors.InvalidOperator("bad"), 400),
        (account_errors.WrongCurrentPassword(), 400),
        (account_errors.InvalidCredentials(), 401),
        (account_errors.LastAttemptWarning(), 401),
        (event_errors.EventNotFound("ev-1"), 404),
        (payment_errors.PaymentNotFound("no"), 404),
        (account_errors.OperatorNotFound("no"), 404),
        (payment_errors.PaymentConflict("twice"), 409),
        (event_errors.AlreadySignedUp(), 409),
        (event_errors.RosterFull(), 409),
        (account_errors.OperatorExists("taken"), 409),
        (account_errors.LastAdmin(), 409),
        (account_errors.AdminChangeInProgress(), 409),
        (account_errors.OperatorChanged(), 409),
        (RequestTooLarge("big"), 413),
        (account_errors.AccountLocked(), 429),
        (event_errors.TooManySignUps(), 429),
        (payment_errors.EmailNotSent("smtp down"), 502),
        (event_errors.EventTooLarge(), 507),
    ],
)
def test_each_kind_has_one_status(error, status):
    assert errors.status_for(error) == status


def test_there_is_one_event_not_found():
    from events import services as event_services
    from payments import services as payment_services

    assert not hasattr(payment_errors, "EventNotFound")
    assert event_services.EventNotFound is payment_services.EventNotFound is event_errors.EventNotFound
    assert str(event_errors.EventNotFound("ev/1")) == "No event with id 'ev/1'."


def test_the_json_shape_keeps_fields_and_facts():
    response = errors.refusal_response(payment_errors.InvalidPayment("Nope.", fields={"patron_id": ["Not here."]}))
    assert (response.status_code, json.loads(response.content)) == (
        400,
        {"ok": False, "error": "Nope.", "fields": {"patron_id": ["Not here."]}},
    )
    failed = errors.refusal_response(payment_errors.EmailNotSent("The mail server said no."))
    assert (failed.status_code, json.loads(failed.content)) == (
        502,
        {"ok": False, "error": "The mail server said no.", "email_sent": False},
    )


class NameForm(ServiceForm):
    name = forms.CharField()


def refuse(error):
    raise error


def test_a_page_form_shows_the_refusal_and_answers_with_a_4xx():
    form = NameForm({"name": "Ada"})
    assert form.is_valid() and form.status == 200
    assert form.submit(lambda **kw: kw, name="Ada") == {"name": "Ada"} and form.refusal is None

    refused = NameForm({"name": "Ada"})
    refused.is_valid()
    error = payment_errors.PaymentConflict("Taken.", fields={"name": ["Pick another."], "elsewhere": ["x"]})
    assert refused.submit(refuse, error=error) is None
    assert refused.refusal is error and refused.status == 409
    assert refused.non_field_errors() == ["Taken."] and refused.errors["name"] == ["Pick another."]

    full = NameForm({"name": "Ada"})
    full.is_valid()
    full.submit(refuse, error=event_errors.EventTooLarge())
    assert full.status == 409  # a page never answers a refusal with a 5xx
    assert NameForm({}).status == 400 and NameForm().status == 200


def test_views_catch_nothing():
    """Views call services and let domain errors go to api_view or ServiceForm: no try/except in them."""
    views = [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py")]
    assert len(views) >= 4
    for path in views:
        tries = [node.lineno for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Try)]
        assert tries == [], f"{path.relative_to(ROOT)} catches exceptions at lines {tries}"


STORED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


def test_one_clock_one_stored_format():
    assert STORED.match(clock.now_iso())
    pacific = datetime(2026, 12, 5, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=-8)))
    assert clock.iso(pacific) == "2026-12-05T09:30:00.123+00:00"


@pytest.mark.parametrize(
    "stored",
    [
        "2026-11-01T10:00:00+00:00",  # waivers signed before the one clock (seconds)
        "2026-11-01T10:00:00.000+00:00",
        "2026-11-01T10:00:00.000000+00:00",  # operators' created_at and locked_until before it
        "2026-11-01T10:00:00Z",
        "2026-11-01T10:00:00",  # no offset: the old system wrote UTC
        "2026-11-01T02:00:00-08:00",
    ],
)
def test_the_clock_reads_every_stored_form(stored):
    assert clock.parse(stored) == datetime(2026, 11, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("stored", ["", "not a time", None, 17, "2026-13-01T00:00:00Z"])
def test_the_clock_reads_nonsense_as_none(stored):
    assert clock.parse(stored) is None
