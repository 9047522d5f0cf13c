"""The vocabularies: codes as stored, labels as shown, reachable from templates and scripts. No DynamoDB."""

import json
import re

import pytest
from django.template import Context, Template
from django.test import Client

from accounts.models import Role
from events.models import PaymentMethod, RecordKind
from payments.forms import AuditFilterForm
from scc.vocabulary import VOCABULARIES, Actor, AuditAction, Vocabulary
from tests.factories import event_item

# The codes stored in the events and operators tables; other software reads them too.
STORED_CODES = {
    "audit_action": {
        "payment.logged",
        "payment.voided",
        "payment.refunded",
        "email.sent",
        "email.failed",
        "waiver.signed",
        "event.created",
        "event.updated",
        "roster.added",
        "roster.updated",
        "roster.cancelled",
        "roster.checked_in",
        "roster.checked_out",
        "operator.added",
        "operator.updated",
    },
    "record_kind": {"payment", "void", "refund"},
    "payment_method": {"cash", "card", "check", "venmo", "zelle", "other"},
    "role": {"admin", "staff"},
    "actor": {"(patron)", "(command line)"},
}


def test_every_vocabulary_is_registered_with_exactly_the_stored_codes():
    registered = dict(VOCABULARIES)
    assert registered == {
        "audit_action": AuditAction,
        "record_kind": RecordKind,
        "payment_method": PaymentMethod,
        "role": Role,
        "actor": Actor,
    }
    assert {name: {m.value for m in vocab} for name, vocab in VOCABULARIES.items()} == STORED_CODES


def test_actors_are_the_codes_the_writers_store():
    from accounts.models import COMMAND_LINE
    from events.services import PUBLIC_OPERATOR

    assert Actor.PATRON == PUBLIC_OPERATOR and COMMAND_LINE.username == Actor.COMMAND_LINE
    assert Actor.label_for("alice") == "alice"  # an operator's username is shown as it is


@pytest.mark.parametrize("vocabulary", [AuditAction, RecordKind, PaymentMethod, Role, Actor])
def test_labels_are_words_and_distinct(vocabulary):
    labels = [member.label for member in vocabulary]
    assert len(set(labels)) == len(labels)
    for member in vocabulary:
        assert member.label[0].isupper() and member.label != member.value, member


def test_members_are_their_codes():
    assert AuditAction.PAYMENT_LOGGED == "payment.logged" and str(AuditAction.PAYMENT_LOGGED) == "payment.logged"
    assert json.dumps({"kind": RecordKind.VOID}) == '{"kind": "void"}'
    assert AuditAction("email.sent") is AuditAction.EMAIL_SENT
    assert AuditAction.PAYMENT_LOGGED.label == "Payment logged"


@pytest.mark.parametrize("code", ["payment.logged", "x.other-software", "", None, 7])
def test_has_and_label_for_take_anything_stored(code):
    known = code == "payment.logged"
    assert AuditAction.has(code) is known
    assert AuditAction.label_for(code) == ("Payment logged" if known else code)


def test_choices_keep_codes_as_values_and_labels_as_words():
    assert Role.choices() == [("admin", "Admin"), ("staff", "Staff")]
    field = AuditFilterForm().fields["action"]
    assert field.choices[0] == ("", "Any action")
    assert dict(field.choices[1:]) == AuditAction.labels()
    assert AuditFilterForm({"action": "roster.checked_in"}).is_valid()
    assert not AuditFilterForm({"action": "Payment logged"}).is_valid()


def test_label_filter_shows_words_and_unknown_codes_as_stored():
    template = Template('{% load scc %}{{ a|label:"audit_action" }}|{{ k|label:"record_kind" }}|{{ x|label:"role" }}')
    assert template.render(Context({"a": "email.failed", "k": "void", "x": "captain"})) == "Email failed|Void|captain"


def test_vocabulary_json_is_a_data_block_scripts_can_read():
    html = Template("{% load scc %}{% vocabulary_json %}").render(Context())
    match = re.fullmatch(r'<script id="scc-vocabulary" type="application/json">(.*)</script>', html)
    assert match, html
    data = json.loads(match.group(1))
    assert data["record_kind"] == {"payment": "Payment", "void": "Void", "refund": "Refund"}
    assert data["audit_action"]["payment.logged"] == "Payment logged"
    assert set(data) == set(STORED_CODES)


def test_a_vocabulary_member_needs_a_label():
    with pytest.raises(TypeError):

        class Broken(Vocabulary):
            ONLY_CODE = "only-code"


def test_pages_show_words_while_the_csv_and_filter_keep_codes(staff_client, raw_table):
    entry = {"at": {"S": "2026-11-01T10:00:00.000+00:00"}, "operator": {"S": "(patron)"}}
    raw_table.put(event_item("ev-1", audit={"L": [{"M": {**entry, "action": {"S": "waiver.signed"}}}]}))
    audit = staff_client.get("/audit/?action=waiver.signed").content.decode()
    assert '<span class="badge" data-action="waiver.signed">Waiver signed</span>' in audit
    assert '<option value="waiver.signed" selected>Waiver signed</option>' in audit
    assert 'id="scc-vocabulary"' in audit
    csv_lines = staff_client.get("/audit.csv?action=waiver.signed").getvalue().decode().splitlines()
    assert len(csv_lines) == 2 and ",waiver.signed," in csv_lines[1]
    event_page = staff_client.get("/events/ev-1/").content.decode()
    assert '<span data-action="waiver.signed">Waiver signed</span>' in event_page
    assert 'id="scc-vocabulary"' not in Client().get("/g/ev-1/waiver").content.decode()
