"""Confirmation emails from the browser: the modal's checkbox and the event page's buttons.

The app server runs in this process, so locmem's django.core.mail.outbox sees what it sent.
"""

import uuid

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Event
from tests.conftest import browser_sign_in
from tests.factories import event_item, patron, payment_record

PID = str(uuid.UUID(int=1))


@pytest.fixture
def signed_in(admin_user, raw_table, app_server, page):
    raw_table.put(
        event_item(
            "sunset",
            days=3,
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[payment_record(PID, "p1")],
            payment_ids={"SS": [PID]},
        )
    )
    browser_sign_in(page, app_server.url)
    return page


def log_with_email(page, patron_name, amount):
    page.get_by_role("button", name="Log Payment").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Patron", exact=True)).to_contain_text(patron_name)
    dialog.get_by_label("Patron", exact=True).select_option(label=patron_name)
    dialog.get_by_label("Amount (USD)").fill(amount)
    dialog.get_by_label("Email confirmation to patron").check()
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()


def test_checkbox_saves_then_emails_the_patron(signed_in):
    page = signed_in
    log_with_email(page, "Ada Lovelace", "30.00")
    expect(page.get_by_role("status")).to_have_text(
        "Payment of $30.00 from Ada Lovelace saved; confirmation emailed to ada@example.com."
    )
    new = Event.get("sunset", consistent_read=True).payments[-1]
    assert new.amount == 30 and new.email_sent is True and new.email_sent_at
    [message] = mail.outbox
    assert message.to == ["ada@example.com"] and new.payment_id in message.body
    assert message.subject == "Payment received: $30.00 for Charter sunset"


def test_checkbox_reports_a_failed_email_and_keeps_the_payment(signed_in):
    page = signed_in
    log_with_email(page, "Grace Hopper", "12.00")
    alert = page.locator("#page-alert")
    expect(alert).to_contain_text("Payment of $12.00 from Grace Hopper saved; email failed:")
    expect(alert).to_contain_text("Grace Hopper has no email address on the roster.")
    expect(page.locator('article.card[data-event-id="sunset"] [data-field="paid"]')).to_have_text("$57.00")
    new = Event.get("sunset", consistent_read=True).payments[-1]
    assert new.patron_id == "p2" and new.email_sent is False
    assert mail.outbox == []


def test_event_page_send_confirmation_then_resend(signed_in, app_server):
    page = signed_in
    page.goto(f"{app_server.url}/events/sunset/")
    row = page.get_by_role("row").filter(has_text=PID)
    send = row.get_by_role("button", name="Send confirmation")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and "payment-notify" in r.url else None)
    send.dblclick()  # disabled while in flight: one request, not two
    expect(page.get_by_role("status")).to_have_text("Confirmation emailed to ada@example.com.")
    expect(row.locator('[data-field="email-status"]')).to_have_text("Sent")
    resend = row.get_by_role("button", name="Resend")
    expect(resend).to_be_enabled()
    assert len(mail.outbox) == 1 and len(posts) == 1
    expect(page.locator("#page-alert")).to_be_hidden()
    assert Event.get("sunset", consistent_read=True).payments[0].email_sent is True

    resend.click()
    expect(resend).to_be_enabled()
    expect(page.get_by_role("status")).to_have_text("Confirmation emailed to ada@example.com.")
    assert len(mail.outbox) == 2
    page.reload()
    expect(page.get_by_role("row").filter(has_text=PID).get_by_role("button", name="Resend")).to_be_visible()
    expect(page.locator(".audit-list")).to_contain_text("Email sent")
