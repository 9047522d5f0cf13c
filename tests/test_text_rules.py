"""The text and address rules at every door: the waiver page, the roster and payment API, sending.

Through the real app and dynalite: what is refused writes nothing; what is normalised compares as
one (one roster entry per address); what other software stored is never mailed unless it is one
mailbox."""

import uuid

import pytest
from django.core import mail
from django.test import Client

from scc.spreadsheet import neutralise
from tests.conftest import post_json
from tests.factories import event_item, patron, payment_record

WAIVER = "/g/ev-1/waiver"
SIGN = {"full_name": "Grace Hopper", "email": "grace@example.com", "agree": "on"}
PAID = "1f0c2d5e-6a7b-4c8d-9e0f-1a2b3c4d5e6f"


@pytest.fixture
def event(raw_table):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada", "ada@example.com")], other_software={"S": "keep"}))
    return raw_table


@pytest.mark.parametrize(
    "email",
    [
        "g\u200brace@example.com",  # zero-width space
        "GRACE@EXAMPLE.COM\u200d",
        "ｇｒａｃｅ@ｅｘａｍｐｌｅ.ｃｏｍ",  # fullwidth
        "\u202egrace@example.com",  # bidi override
        " grace@Example.com\u00ad",  # soft hyphen
    ],
)
def test_the_waiver_sees_a_disguised_address_as_the_one_already_signed(event, email):
    assert Client().post(WAIVER, SIGN).status_code == 302
    before = event.get("ev-1")
    response = Client().post(WAIVER, {**SIGN, "email": email})
    assert response.status_code == 409, response.content
    assert event.get("ev-1") == before


def test_the_waiver_stores_the_plain_address(event):
    assert Client().post(WAIVER, {**SIGN, "email": "gr\u200bace@ｅｘａｍｐｌｅ.com"}).status_code == 302
    emails = [p["M"].get("email", {}).get("S") for p in event.get("ev-1")["roster"]["L"]]
    assert emails == ["ada@example.com", "grace@example.com"]
    assert event.get("ev-1")["roster_emails"] == {"SS": ["grace@example.com"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "a@x.com, b@y.com"),
        ("email", "Grace <grace@example.com>"),
        ("email", "a@x.com;b@y.com"),
        ("full_name", "Grace\u202egnp.exe"),
        ("full_name", "Gr\u200bace"),
        ("full_name", "Grace\u2066Hopper\u2069"),
    ],
)
def test_the_waiver_refuses_lists_and_invisible_characters(event, field, value):
    before = event.get("ev-1")
    response = Client().post(WAIVER, {**SIGN, field: value})
    assert response.status_code == 400
    assert event.get("ev-1") == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/roster-add", {"event_id": "ev-1", "name": "Grace\u202eHopper"}, "name"),
        ("/api/roster-add", {"event_id": "ev-1", "name": "Grace", "email": "a@x.com, b@y.com"}, "email"),
        ("/api/roster-update", {"event_id": "ev-1", "patron_id": "p1", "name": "A\u200bda"}, "name"),
        ("/api/roster-update", {"event_id": "ev-1", "patron_id": "p1", "email": "Ada <ada@x.com>"}, "email"),
        ("/api/roster-cancel", {"event_id": "ev-1", "patron_id": "p1", "reason": "sick\u202e"}, "reason"),
        ("/api/payment-log", {"event_id": "ev-1", "patron_id": "p1", "amount": "٤٥"}, "amount"),
        ("/api/payment-log", {"event_id": "ev-1", "patron_id": "p1", "amount": "４５.００"}, "amount"),
        ("/api/payment-log", {"event_id": "ev-1", "patron_id": "p1", "amount": "4\u200b5"}, "amount"),
        ("/api/payment-log", {"event_id": "ev-1", "patron_id": "p1", "amount": "45", "notes": "ok\x1b[2J"}, "notes"),
        ("/api/events", {"title": "Trip\u202e", "starts_at": "2099-01-01T10:00"}, "title"),
        ("/api/events", {"title": "Trip", "starts_at": "2099-01-01T10:00", "price": "٤٥"}, "price"),
    ],
)
def test_the_api_refuses_foreign_digits_and_invisible_characters(api, event, url, body, field):
    before = event.get("ev-1")
    response = post_json(api, url, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert event.get("ev-1") == before


def test_the_roster_api_sees_a_fullwidth_address_as_the_one_on_the_roster(api, event):
    before = event.get("ev-1")
    response = post_json(api, "/api/roster-add", {"event_id": "ev-1", "name": "Ada 2", "email": "ＡＤＡ@example.com"})
    assert response.status_code == 409, response.content
    assert event.get("ev-1") == before


def test_multiline_notes_keep_line_feeds_and_names_in_any_script_pass(api, event):
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "45", "notes": "cash\r\nat the dock\tok"}
    assert post_json(api, "/api/payment-log", body).status_code == 201
    added = post_json(
        api, "/api/roster-add", {"event_id": "ev-1", "name": "مهدی\u200cزاده", "email": "m@bücher.example"}
    )
    assert added.status_code == 201, added.content
    stored = event.get("ev-1")
    assert stored["payments"]["L"][0]["M"]["notes"] == {"S": "cash\nat the dock\tok"}
    assert "m@xn--bcher-kva.example" in stored["roster_emails"]["SS"]


@pytest.mark.parametrize("stored", ["a@x.com, b@y.com", "Ada <ada@x.com>", "a@x.com b@y.com", "not an address"])
def test_a_roster_email_that_is_not_one_mailbox_is_never_mailed(api, raw_table, stored):
    raw_table.put(event_item("ev-1", roster=[patron("p1", "Ada", stored)], payments=[payment_record(PAID, "p1")]))
    before = raw_table.get("ev-1")
    response = post_json(api, "/api/payment-notify", {"event_id": "ev-1", "payment_id": PAID})
    assert response.status_code == 400, response.content
    assert "not one address" in response.json()["error"]
    assert mail.outbox == []
    assert raw_table.get("ev-1") == before


def test_a_roster_email_with_invisible_characters_is_mailed_plain(api, raw_table):
    raw_table.put(
        event_item(
            "ev-1", roster=[patron("p1", "Ada", " ada\u200b@Example.com ")], payments=[payment_record(PAID, "p1")]
        )
    )
    response = post_json(api, "/api/payment-notify", {"event_id": "ev-1", "payment_id": PAID})
    assert response.status_code == 200, response.content
    assert [message.to for message in mail.outbox] == [["ada@Example.com"]]


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "\n=1+1", " \n +SUM(A1)", "\u00a0@x", "\t-1", "\r=1"])
def test_csv_cells_never_start_a_formula_after_leading_blanks(cell):
    assert neutralise(cell).startswith("'")


def test_a_payment_id_in_another_spelling_is_the_same_payment(api, event):
    pid = str(uuid.UUID(int=77))
    body = {"event_id": "ev-1", "patron_id": "p1", "amount": "45", "payment_id": pid}
    assert post_json(api, "/api/payment-log", body).status_code == 201
    assert post_json(api, "/api/payment-log", {**body, "payment_id": pid.upper()}).status_code == 200
    assert len(event.get("ev-1")["payments"]["L"]) == 1
