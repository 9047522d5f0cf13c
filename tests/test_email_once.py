"""One confirmation email per payment unless Resend is asked, under any concurrency: a send claims
the record first (a conditional write), and a claim left by a request that died expires.

Counted in Django's locmem outbox, the backend the suite sends through (SES through moto:
tests/test_payment_notify_wire.py)."""

import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from payments.services import EMAIL_CLAIM_SECONDS
from scc import clock
from tests.conftest import post_json, token_for
from tests.factories import event_item, patron, payment_record

PID = str(uuid.UUID(int=1))
URL = "/api/payment-notify"


def seed(raw_table, **record_fields):
    raw_table.put(
        event_item(
            "ev-1",
            roster=[patron("p1", "Ada", "ada@example.com")],
            payments=[payment_record(PID, "p1", **record_fields)],
            payment_ids={"SS": [PID]},
            other_software={"S": "keep"},
        )
    )
    return raw_table.get("ev-1")


def record_of(raw_table):
    return raw_table.get("ev-1")["payments"]["L"][0]["M"]


def clicks(admin_user, count, **body):
    """`count` clicks at once, each its own client; their status codes."""
    token = token_for(admin_user)
    start = threading.Barrier(count)
    answers = []

    def click():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        start.wait()
        answer = client.post(URL, json.dumps({"event_id": "ev-1", "payment_id": PID, **body}), "application/json")
        answers.append(answer.status_code)

    threads = [threading.Thread(target=click) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


def test_eight_parallel_send_clicks_send_one_email(admin_user, raw_table):
    seed(raw_table)
    assert clicks(admin_user, 8) == [200] + [409] * 7
    assert len(mail.outbox) == 1
    record = record_of(raw_table)
    assert record["email_sent"] == {"BOOL": True} and "email_claimed_at" not in record
    assert [e["M"]["action"]["S"] for e in raw_table.get("ev-1")["audit"]["L"]] == ["email.sent"]
    assert raw_table.get("ev-1")["other_software"] == {"S": "keep"}


def test_parallel_resends_of_a_sent_payment_send_at_most_one_at_a_time(admin_user, raw_table):
    seed(raw_table, email_sent=True)
    answers = clicks(admin_user, 8, resend=True)
    assert answers.count(200) == len(mail.outbox) >= 1  # one per resend that claimed, never a concurrent pair
    assert set(answers) <= {200, 409}
    assert "email_claimed_at" not in record_of(raw_table)


def test_a_live_claim_means_being_sent_now_and_nothing_is_sent(api, raw_table):
    before = seed(raw_table, email_claimed_at={"S": clock.iso(clock.now() - timedelta(seconds=5))})
    response = post_json(api, URL, {"event_id": "ev-1", "payment_id": PID})
    assert response.status_code == 409 and "being sent right now" in response.json()["error"]
    assert mail.outbox == [] and raw_table.get("ev-1") == before


@pytest.mark.parametrize(
    "left",
    [
        {"S": clock.iso(clock.now() - timedelta(seconds=EMAIL_CLAIM_SECONDS + 1))},  # its request died
        {"S": "not a time"},  # other software's
        {"N": "1"},
    ],
)
def test_a_claim_its_request_left_behind_does_not_block_sending(api, raw_table, left):
    seed(raw_table, email_claimed_at=left)
    response = post_json(api, URL, {"event_id": "ev-1", "payment_id": PID})
    assert response.status_code == 200, response.content
    assert len(mail.outbox) == 1
    record = record_of(raw_table)
    assert record["email_sent"] == {"BOOL": True} and "email_claimed_at" not in record


def test_a_failed_send_gives_its_claim_up_so_a_retry_sends_at_once(api, raw_table, settings):
    """A real SMTP backend against a closed port: the send fails, `email.failed` is recorded and the
    record is as it was (no claim left); the retry through the working backend sends."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = seed(raw_table)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    assert post_json(api, URL, {"event_id": "ev-1", "payment_id": PID}).status_code == 502
    assert record_of(raw_table) == before["payments"]["L"][0]["M"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert post_json(api, URL, {"event_id": "ev-1", "payment_id": PID}).status_code == 200
    assert len(mail.outbox) == 1
    actions = [e["M"]["action"]["S"] for e in raw_table.get("ev-1")["audit"]["L"]]
    assert actions == ["email.failed", "email.sent"]
