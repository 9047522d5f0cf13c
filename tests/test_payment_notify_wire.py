"""payment-notify over real wires: django-ses against moto's SES server, Django's SMTP backend against aiosmtpd.

Nothing of ours is faked: each backend talks to a server on loopback, and failures are real
(SES MessageRejected, a refused connection, an SMTP server that never answers).
"""

import email
import json
import socket
import threading
import urllib.request
import uuid

import boto3
import pytest
from aiosmtpd.controller import Controller
from moto.server import ThreadedMotoServer

from tests.factories import event_item, patron

pytestmark = pytest.mark.wire

URL = "/api/payment-notify"
PID = str(uuid.UUID(int=1))
SENDER = "dispatch@scc.test"
ACCOUNT = "123456789012"  # moto's default account


@pytest.fixture
def event(raw_table):
    raw_table.put(
        event_item(
            "ev-1",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com")],
            payments=[
                {
                    "M": {
                        "payment_id": {"S": PID},
                        "timestamp": {"S": "2026-11-01T17:00:00.000+00:00"},
                        "operator": {"S": "alice"},
                        "patron_id": {"S": "p1"},
                        "amount": {"N": "45"},
                        "notes": {"S": ""},
                        "email_sent": {"BOOL": False},
                        "kind": {"S": "payment"},
                    }
                }
            ],
            title={"S": "Sunset Cruise"},
            captain={"S": "Capt. Alvarez"},
        )
    )
    return "ev-1"


def notify(client, **extra):
    return client.post(
        URL, json.dumps({"event_id": "ev-1", "payment_id": PID, **extra}), content_type="application/json"
    )


def assert_failed_and_intact(response, raw_table, before, reason):
    assert response.status_code == 502, response.content
    data = response.json()
    assert data["ok"] is False and data["email_sent"] is False
    assert "could not be sent" in data["error"] and "payment is saved" in data["error"]
    assert reason in data["error"]
    after = raw_table.get("ev-1")
    assert after["payments"] == before["payments"]  # email_sent still false, nothing else touched
    assert after["captain"] == before["captain"]
    [entry] = after["audit"]["L"]
    entry = entry["M"]
    assert entry["action"] == {"S": "email.failed"} and entry["operator"] == {"S": "alice"}
    assert entry["payment_id"] == {"S": PID} and entry["at"]["S"]
    assert reason in entry["detail"]["S"] and len(entry["detail"]["S"]) <= 200


# --- SES through django-ses, against moto's SES server --------------------------------------


@pytest.fixture(scope="module")
def moto_ses():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def ses(moto_ses, settings):
    urllib.request.urlopen(urllib.request.Request(f"{moto_ses}/moto-api/reset", method="POST")).close()
    settings.EMAIL_BACKEND = "django_ses.SESBackend"
    settings.AWS_SES_REGION_NAME = "us-east-1"
    settings.AWS_SES_REGION_ENDPOINT_URL = moto_ses
    settings.DEFAULT_FROM_EMAIL = SENDER
    client = boto3.client("ses", region_name="us-east-1", endpoint_url=moto_ses)

    class Ses:
        def verify_sender(self):
            client.verify_email_identity(EmailAddress=SENDER)

        def sent(self):
            from moto.ses.models import ses_backends

            return ses_backends[ACCOUNT]["us-east-1"].sent_messages

    return Ses()


def test_ses_verified_sender_delivers(api, event, raw_table, ses):
    ses.verify_sender()
    response = notify(api)
    assert response.status_code == 200, response.content
    assert response.json() == {**response.json(), "ok": True, "email_sent": True, "to": "ada@example.com"}
    [sent] = ses.sent()
    assert sent.source == SENDER and "ada@example.com" in sent.destinations
    mime = email.message_from_bytes(sent.raw_data.encode())  # moto keeps the raw bytes as text
    assert mime["Subject"] == "Payment received: $45.00 for Sunset Cruise"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in mime.walk()
        if not part.is_multipart()
    }
    assert PID in parts["text/plain"] and PID in parts["text/html"]
    record = raw_table.get("ev-1")["payments"]["L"][0]["M"]
    assert record["email_sent"] == {"BOOL": True}


def test_ses_unverified_sender_is_502_payment_intact_then_retry_works(api, event, raw_table, ses):
    before = raw_table.get("ev-1")
    response = notify(api)
    assert_failed_and_intact(response, raw_table, before, "MessageRejected")
    assert ses.sent() == []

    ses.verify_sender()
    retry = notify(api)
    assert retry.status_code == 200
    item = raw_table.get("ev-1")
    assert item["payments"]["L"][0]["M"]["email_sent"] == {"BOOL": True}
    assert [e["M"]["action"]["S"] for e in item["audit"]["L"]] == ["email.failed", "email.sent"]
    assert len(ses.sent()) == 1


# --- SMTP through Django's backend, against aiosmtpd on loopback ---------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = SENDER
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_settings.EMAIL_PORT = controller.port
    yield inbox
    controller.stop()


def test_smtp_delivers(api, event, raw_table, smtp_server):
    response = notify(api)
    assert response.status_code == 200, response.content
    [envelope] = smtp_server.messages
    assert envelope.mail_from == SENDER and envelope.rcpt_tos == ["ada@example.com"]
    mime = email.message_from_bytes(envelope.content)
    assert mime["Subject"] == "Payment received: $45.00 for Sunset Cruise"
    assert mime["Reply-To"]
    assert raw_table.get("ev-1")["payments"]["L"][0]["M"]["email_sent"] == {"BOOL": True}


def test_smtp_down_is_502_then_retry_works(api, event, raw_table, smtp_settings):
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    before = raw_table.get("ev-1")
    assert_failed_and_intact(notify(api), raw_table, before, "ConnectionRefusedError")

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        assert notify(api).status_code == 200
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_smtp_server_that_never_answers_times_out_as_502(api, event, raw_table, smtp_settings):
    # The kernel completes the TCP handshake from the backlog, but no greeting ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        smtp_settings.EMAIL_PORT = silent.getsockname()[1]
        smtp_settings.EMAIL_TIMEOUT = 0.3
        before = raw_table.get("ev-1")
        assert_failed_and_intact(notify(api), raw_table, before, "timed out")


# --- file backend: make run's default, one readable file per message -----------------------


def test_file_backend_writes_a_readable_message(api, event, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    assert notify(api).status_code == 200
    [written] = list((tmp_path / "outbox").iterdir())
    mime = email.message_from_bytes(written.read_bytes())
    assert mime["To"] == "ada@example.com"
    assert mime["Subject"] == "Payment received: $45.00 for Sunset Cruise"


def test_eight_parallel_sends_through_ses_deliver_one_email(admin_user, event, raw_table, ses):
    """Eight Send confirmation clicks at once: one claims the send, SES gets one message."""
    from django.test import Client

    from tests.conftest import token_for

    ses.verify_sender()
    token = token_for(admin_user)
    answers = []
    start = threading.Barrier(8)

    def click():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        start.wait()
        answers.append(notify(client).status_code)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200] + [409] * 7
    assert len(ses.sent()) == 1
    item = raw_table.get("ev-1")
    assert [e["M"]["action"]["S"] for e in item["audit"]["L"]] == ["email.sent"]
