"""POST /api/payment-notify with Django's locmem backend: content, record update, errors, roles."""

import json
import uuid

import pytest
from django.core import mail
from django.test import Client

from events import selectors
from payments import services
from tests.conftest import events_table_calls, post_json, signed_in_client, token_for
from tests.factories import event_item, legacy_payment, patron, payment_record

URL = "/api/payment-notify"
PID = str(uuid.UUID(int=1))
PID_GRACE = str(uuid.UUID(int=2))
PID_VOID = str(uuid.UUID(int=3))
PID_SENT = str(uuid.UUID(int=4))


def payment(payment_id, patron_id, amount="45", **fields):
    return payment_record(payment_id, patron_id, amount, notes="card at dock", **fields)


@pytest.fixture
def event(raw_table):
    raw_table.put(
        event_item(
            "ev-1",
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[
                legacy_payment("20"),
                payment(PID, "p1", "45"),
                payment(PID_GRACE, "p2", "30"),
                payment(str(uuid.UUID(int=9)), "p1", "-5", kind="void", voids={"S": str(uuid.UUID(int=8))}),
                payment(PID_SENT, "p1", "10", email_sent=True, email_sent_at={"S": "2026-11-01T17:01:00+00:00"}),
            ],
            payment_ids={"SS": [PID, PID_GRACE, PID_SENT, str(uuid.UUID(int=9))]},
            title={"S": "Sunset Cruise"},
            starts_at={"S": "2026-12-05T09:30:00-08:00"},
            location={"S": "Pier 66, Seattle"},
            captain={"S": "Capt. Alvarez"},
            vessel={"M": {"name": {"S": "Osprey"}, "berth": {"N": "7"}}},
        )
    )
    return "ev-1"


def post(client, body):
    return post_json(client, URL, body)


def body(**overrides):
    return {"event_id": "ev-1", "payment_id": PID, **overrides}


def without(item, *paths):
    """The raw item minus what the notify write may change: payments[i].email_sent(_at) and audit."""
    item = json.loads(json.dumps(item))
    item.pop("audit", None)
    for index in paths:
        record = item["payments"]["L"][index]["M"]
        record.pop("email_sent", None)
        record.pop("email_sent_at", None)
    return item


def test_sends_one_email_and_marks_only_that_record(api, event, raw_table):
    before = raw_table.get("ev-1")
    response = post(api, body())
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["ok"] is True and data["email_sent"] is True and data["to"] == "ada@example.com"
    assert data["payment"]["payment_id"] == PID and data["payment"]["email_sent"] is True
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.com"]

    after = raw_table.get("ev-1")
    record = after["payments"]["L"][1]["M"]
    assert record["email_sent"] == {"BOOL": True}
    assert record["email_sent_at"]["S"].endswith("+00:00")
    assert data["payment"]["email_sent_at"] == record["email_sent_at"]["S"]
    # Everything else, including other software's attributes and the legacy record, as it was.
    assert without(after, 1) == without(before, 1)
    assert {k: v for k, v in record.items() if not k.startswith("email_sent")} == {
        k: v for k, v in before["payments"]["L"][1]["M"].items() if not k.startswith("email_sent")
    }
    [entry] = after["audit"]["L"]
    entry = entry["M"]
    assert entry["action"] == {"S": "email.sent"} and entry["operator"] == {"S": "alice"}
    assert entry["payment_id"] == {"S": PID} and entry["patron_id"] == {"S": "p1"}
    assert entry["at"] == record["email_sent_at"]
    assert "ada@example.com" in entry["detail"]["S"]


def test_email_content_text_html_subject_reply_to(api, event, settings):
    settings.EMAIL_REPLY_TO = "office@scc.test"
    settings.DEFAULT_FROM_EMAIL = "dispatch@scc.test"
    assert post(api, body()).status_code == 200
    [message] = mail.outbox
    assert message.subject == "Payment received: $45.00 for Sunset Cruise"
    assert message.from_email == "dispatch@scc.test"
    assert message.reply_to == ["office@scc.test"]
    text = message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for part in (text, html):
        assert "Ada Lovelace" in part
        assert "Sunset Cruise" in part
        assert "$45.00" in part
        assert "Sat, Dec 5, 2026 · 9:30 AM" in part  # the event's own local time, not UTC
        assert "Pier 66, Seattle" in part
        assert PID in part
        assert "office@scc.test" in part
    assert "<" not in text  # plain text reads as text
    assert text.startswith("Hello Ada Lovelace,")
    mime = message.message()
    assert mime["Reply-To"] == "office@scc.test" and mime.is_multipart()


def test_html_escapes_roster_text_and_text_part_does_not(api, raw_table):
    raw_table.put(
        event_item(
            "ev-x",
            roster=[patron("p1", "Bob <b>&</b> Co", "bob@example.com")],
            payments=[payment(PID, "p1", "12.5")],
            title={"S": "Fish & Chips <Cruise>"},
        )
    )
    assert post(api, body(event_id="ev-x")).status_code == 200
    [message] = mail.outbox
    assert message.subject == "Payment received: $12.50 for Fish & Chips <Cruise>"
    assert "Bob <b>&</b> Co" in message.body and "Fish & Chips <Cruise>" in message.body
    html = message.alternatives[0][0]
    assert "Bob &lt;b&gt;&amp;&lt;/b&gt; Co" in html and "<b>&</b>" not in html


def test_event_without_date_or_location_still_reads_well(api, raw_table):
    item = event_item("ev-bare", roster=[patron("p1", "Ada", "ada@example.com")], payments=[payment(PID, "p1")])
    del item["starts_at"], item["location"]
    raw_table.put(item)
    assert post(api, body(event_id="ev-bare")).status_code == 200
    text = mail.outbox[0].body
    assert "Date to be announced" in text and "Location to be announced" in text


def test_already_sent_is_409_and_resend_sends_again(api, event, raw_table):
    assert post(api, body()).status_code == 200
    first = raw_table.get("ev-1")
    again = post(api, body())
    assert again.status_code == 409
    assert again.json()["ok"] is False and "already sent" in again.json()["error"]
    assert raw_table.get("ev-1") == first and len(mail.outbox) == 1
    assert post(api, body(resend=False)).status_code == 409

    resent = post(api, body(resend=True))
    assert resent.status_code == 200 and resent.json()["to"] == "ada@example.com"
    assert len(mail.outbox) == 2
    after = raw_table.get("ev-1")
    assert [e["M"]["action"]["S"] for e in after["audit"]["L"]] == ["email.sent", "email.sent"]
    assert after["audit"]["L"][1]["M"]["detail"]["S"].startswith("Resent")
    assert after["payments"]["L"][1]["M"]["email_sent_at"] == after["audit"]["L"][1]["M"]["at"]


def test_record_sent_by_the_old_system_is_409(api, event):
    response = post(api, body(payment_id=PID_SENT))
    assert response.status_code == 409
    assert post(api, body(payment_id=PID_SENT, resend=True)).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"payment_id": PID_GRACE}, 400, "no email address"),
        ({"payment_id": str(uuid.UUID(int=9))}, 400, "void"),
        ({"event_id": "nope"}, 404, "No event"),
        ({"payment_id": str(uuid.UUID(int=77))}, 404, "No payment"),
        ({"payment_id": "legacy-without-id"}, 404, "old system"),
    ],
)
def test_refusals_write_nothing_and_send_nothing(api, event, raw_table, overrides, status, words):
    before = raw_table.get("ev-1")
    response = post(api, body(**overrides))
    assert response.status_code == status, response.content
    data = response.json()
    assert data["ok"] is False and words in data["error"]
    assert raw_table.get("ev-1") == before
    assert mail.outbox == []


def test_voided_payment_is_400(api, raw_table):
    raw_table.put(
        event_item(
            "ev-v",
            roster=[patron("p1", "Ada", "ada@example.com")],
            payments=[payment(PID, "p1"), payment(PID_VOID, "p1", "-45", kind="void", voids={"S": PID})],
        )
    )
    response = post(api, body(event_id="ev-v"))
    assert response.status_code == 400 and "voided" in response.json()["error"]
    assert mail.outbox == []


def test_patron_removed_from_roster_is_400(api, raw_table):
    raw_table.put(event_item("ev-r", roster=[patron("p9", "Other", "o@example.com")], payments=[payment(PID, "p1")]))
    response = post(api, body(event_id="ev-r"))
    assert response.status_code == 400 and "roster" in response.json()["error"]


BAD_BODIES = [
    ("event_id", {"event_id": None}),
    ("event_id", {"event_id": ["ev-1"]}),
    ("payment_id", {"payment_id": None}),
    ("payment_id", {"payment_id": 12}),
    ("payment_id", {"payment_id": "x" * 201}),
    ("resend", {"resend": "yes"}),
    ("resend", {"resend": "false"}),
    ("resend", {"resend": 1}),
    ("resend", {"resend": [True]}),
]


@pytest.mark.parametrize(("field", "overrides"), BAD_BODIES)
def test_bad_fields_are_400_with_fields(api, event, raw_table, field, overrides):
    before = raw_table.get("ev-1")
    response = post(api, body(**overrides))
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["ok"] is False and data["error"] and field in data["fields"]
    assert raw_table.get("ev-1") == before and mail.outbox == []


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b'"ev-1"', b"\xff\xfe"])
def test_bad_json_is_400(api, event, raw_table, raw):
    before = raw_table.get("ev-1")
    response = post(api, raw)
    assert response.status_code == 400 and response.json()["ok"] is False
    assert raw_table.get("ev-1") == before and mail.outbox == []


def test_roles_and_auth(staff_user, admin_user, event, raw_table):
    before = raw_table.get("ev-1")
    assert post(Client(), body()).status_code == 401
    assert post(Client(HTTP_AUTHORIZATION="Bearer junk"), body()).status_code == 401
    assert post(Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff_user)}"), body()).status_code == 403
    assert post(signed_in_client(staff_user), body()).status_code == 403
    assert raw_table.get("ev-1") == before and mail.outbox == []
    assert Client().get(URL).status_code == 405
    assert post(signed_in_client(admin_user), body()).status_code == 200
    bearer = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}")
    assert post(bearer, body(resend=True)).status_code == 200
    assert len(mail.outbox) == 2


def test_session_needs_csrf_token(admin_user, event):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["scc_csrftoken"].value
    form = {"username": "alice", "password": "correct horse battery", "csrfmiddlewaretoken": token}
    assert client.post("/login/", form).status_code == 302
    token = client.cookies["scc_csrftoken"].value
    assert post(client, body()).status_code == 403
    response = client.post(URL, json.dumps(body()), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_one_consistent_get_a_claim_and_one_update(api, event, settings):
    with events_table_calls(settings.EVENTS_TABLE) as calls:
        assert post(api, body()).status_code == 200
    assert calls == [("GetItem", True), ("UpdateItem", None), ("UpdateItem", None)]


def test_payment_logged_through_the_api_can_be_notified(api, event, raw_table):
    logged = api.post(
        "/api/payment-log",
        json.dumps({"event_id": "ev-1", "patron_id": "p1", "amount": "12.00"}),
        content_type="application/json",
    )
    assert logged.status_code == 201
    pid = logged.json()["payment"]["payment_id"]
    assert post(api, body(payment_id=pid)).status_code == 200
    item = raw_table.get("ev-1")
    assert item["payments"]["L"][-1]["M"]["email_sent"] == {"BOOL": True}
    assert [e["M"]["action"]["S"] for e in item["audit"]["L"]] == ["payment.logged", "email.sent"]


def test_mark_sent_never_marks_the_wrong_record_when_the_list_moved(admin_user, event, raw_table):
    """Other software rewrote the ledger between our read and our write: the guard finds the record again."""
    from accounts.models import OperatorUser

    stale = selectors.get_event(event_id="ev-1")
    item = raw_table.get("ev-1")
    item["payments"]["L"].insert(0, payment(str(uuid.UUID(int=50)), "p1", "1"))  # shifts every index by one
    raw_table.put(item)

    services._mark_sent(
        operator=OperatorUser("alice", "admin"),
        event=stale,
        index=1,
        payment_id=PID,
        to="ada@example.com",
        resend=False,
    )
    records = raw_table.get("ev-1")["payments"]["L"]
    assert records[1]["M"]["email_sent"] == {"BOOL": False}  # what now sits at the stale index
    assert records[2]["M"]["payment_id"] == {"S": PID} and records[2]["M"]["email_sent"] == {"BOOL": True}
    assert len(raw_table.get("ev-1")["audit"]["L"]) == 1


def test_event_page_buttons_for_admins_only_and_only_where_sendable(admin_client, staff_user, event):
    page = admin_client.get("/events/ev-1/").content.decode()
    assert page.count("button small send-confirmation") == 2  # Ada's unsent payment and her already-sent one
    assert f'data-payment-id="{PID}" data-resend="false" disabled data-needs-script>Send confirmation<' in page
    assert f'data-payment-id="{PID_SENT}" data-resend="true" disabled data-needs-script>Resend<' in page
    assert "No email on roster" in page  # Grace: no button, a reason instead
    assert "js/send-confirmation.js" in page and "<script>" not in page  # no inline script (CSP)
    staff_page = signed_in_client(staff_user).get("/events/ev-1/").content.decode()
    assert "send-confirmation" not in staff_page and ">Actions<" not in staff_page


def test_dispatch_dialog_knows_the_notify_url(admin_client, event):
    assert 'data-notify-url="/api/payment-notify"' in admin_client.get("/").content.decode()
