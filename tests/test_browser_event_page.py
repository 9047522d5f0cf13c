"""The event page as an admin works a charter day, in Chromium against the app and dynalite."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Event
from tests.conftest import browser_sign_in
from tests.factories import event_item, patron, payment_record
from tests.test_waiver_browser import PHONE, no_sideways_scroll, screenshot

PUBLIC_URL = "https://dispatch.example.com"


@pytest.fixture
def dock(admin_user, raw_table, app_server, page, settings):
    settings.PUBLIC_URL = PUBLIC_URL
    raw_table.put(
        event_item(
            "dock",
            days=1,
            price="45",
            capacity={"N": "10"},
            roster=[
                patron("p1", "Ada Lovelace", "ada@example.com", waiver_signed_at="2026-11-01T17:00:00.000+00:00"),
                patron("p2", "Grace Hopper", "grace@example.com"),
            ],
            roster_emails={"SS": ["ada@example.com", "grace@example.com"]},
            payments=[payment_record("11111111-1111-4111-8111-111111111111", "p2", "20", method={"S": "cash"})],
            payment_ids={"SS": ["11111111-1111-4111-8111-111111111111"]},
        )
    )
    browser_sign_in(page, app_server.url)
    page.goto(f"{app_server.url}/events/dock/")
    expect(page.get_by_role("button", name="Add patron")).to_be_enabled()
    return page


def row(page, name):
    return page.locator("#roster tr.patron-row", has=page.get_by_role("rowheader", name=name, exact=True))


def stored():
    return Event.get("dock", consistent_read=True)


def test_walk_up_prefilled_payment_and_partial_refund(dock):
    page = dock
    status = page.locator("#page-status")

    # A walk-up joins the roster.
    page.get_by_role("button", name="Add patron").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Add patron")).to_be_visible()
    expect(dialog.get_by_label("Name")).to_be_focused()
    dialog.get_by_label("Name").fill("Walk Up Wendy")
    dialog.get_by_label("Phone").fill("+1 206 555 0199")
    dialog.get_by_role("button", name="Save patron").click()
    expect(dialog).to_be_hidden()
    expect(status).to_have_text("Added Walk Up Wendy to the roster.")
    wendy = row(page, "Walk Up Wendy")
    expect(wendy.locator('[data-field="outstanding"]')).to_have_text("$45.00")

    # Log Payment on her row: the dialog comes prefilled with her and what she owes.
    wendy.get_by_role("button", name="Log Payment").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Patron", exact=True)).to_have_value(re.compile("^p-"))
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("45.00")
    dialog.get_by_label("Method").select_option(label="Cash")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    expect(status).to_contain_text("Payment of $45.00 from Walk Up Wendy (Cash) saved")
    expect(wendy.locator('[data-field="outstanding"]')).to_have_text("$0.00")
    payment = next(r for r in stored().payments if r.amount == 45)
    assert payment.method == "cash"

    # Refund part of it from the ledger: the dialog offers what is left.
    ledger_row = page.locator(f'#ledger tr[data-payment-id="{payment.payment_id}"]')
    ledger_row.get_by_role("button", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("45.00")
    dialog.get_by_label("Amount (USD)").fill("15.00")
    dialog.get_by_label("Reason").fill("Left before the whale stop")
    dialog.get_by_role("button", name="Refund payment").click()
    expect(dialog).to_be_hidden()
    expect(status).to_contain_text("Refunded $15.00")
    expect(wendy.locator('[data-field="outstanding"]')).to_have_text("$15.00")
    expect(ledger_row).to_contain_text("Refunded $15.00")
    refunds = [r for r in stored().payments if r.kind == "refund"]
    assert [(r.refunds, str(r.amount_money)) for r in refunds] == [(payment.payment_id, "-15.00")]

    # More than is left: the server's message, and the dialog keeps its values.
    ledger_row.get_by_role("button", name="Refund").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("30.00")
    dialog.get_by_label("Amount (USD)").fill("30.01")
    dialog.get_by_label("Reason").fill("too much")
    dialog.get_by_role("button", name="Refund payment").click()
    expect(dialog.get_by_role("alert")).to_contain_text("at most $30.00")
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("30.01")
    dialog.get_by_role("button", name="Cancel").click()
    screenshot(page, "event-page-1280.png")


def test_overpayment_is_warned_before_saving_and_shown_after(dock):
    page = dock
    ada = row(page, "Ada Lovelace")
    ada.get_by_role("button", name="Log Payment").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("45.00")
    warning = dialog.locator("#payment-overpay")
    expect(warning).to_be_hidden()
    dialog.get_by_label("Amount (USD)").fill("60")
    expect(warning).to_have_text(re.compile(r"Overpayment: \$15\.00 more than Ada Lovelace owes \(\$45\.00\)"))
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#page-status")).to_contain_text("Payment of $60.00 from Ada Lovelace saved")
    expect(ada.locator('[data-field="outstanding"]')).to_have_text("Overpaid $15.00")


def test_edit_and_cancel_booking(dock):
    page = dock
    grace = row(page, "Grace Hopper")
    grace.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Email")).to_have_value("grace@example.com")
    dialog.get_by_label("Email").fill("ada@example.com")
    dialog.get_by_role("button", name="Save patron").click()
    expect(dialog.get_by_role("alert")).to_contain_text("already on this event's roster")
    dialog.get_by_label("Name").fill("Grace B. Hopper")
    dialog.get_by_label("Email").fill("grace.hopper@example.com")
    dialog.get_by_role("button", name="Save patron").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#page-status")).to_have_text("Saved Grace B. Hopper.")

    grace = row(page, "Grace B. Hopper")
    grace.get_by_role("button", name="Cancel booking").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").fill("Family emergency")
    dialog.get_by_role("button", name="Cancel booking").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#page-status")).to_contain_text("Booking of Grace B. Hopper cancelled")
    expect(grace).to_contain_text("Family emergency")
    # No longer expected to pay: what she paid shows as overpaid (to refund), the event expects one patron.
    expect(grace.locator('[data-field="outstanding"]')).to_have_text("Overpaid $20.00")
    expect(page.locator('#event-totals [data-field="expected"]')).to_have_text("$45.00")
    expect(grace.get_by_role("button", name="Check in")).to_have_count(0)


def test_check_in_with_one_tap_on_a_phone_and_undo(dock, app_server):
    page = dock
    page.set_viewport_size(PHONE)
    page.goto(f"{app_server.url}/events/dock/")
    ada = row(page, "Ada Lovelace")
    button = ada.get_by_role("button", name="Check in")
    expect(button).to_be_enabled()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target across the row
    button.click()
    expect(page.locator("#page-status")).to_have_text("Ada Lovelace checked in.")
    expect(ada.locator('[data-field="checked-in"]')).to_contain_text("Checked in")
    expect(page.locator('#event-totals [data-field="checked-in"]')).to_have_text("1 of 2")
    assert stored().roster[0].checked_in_at
    assert no_sideways_scroll(page)
    screenshot(page, "event-page-375.png")
    ada.get_by_role("button", name="Undo check-in").click()
    expect(page.locator("#page-status")).to_have_text("Check-in of Ada Lovelace undone.")
    expect(ada.get_by_role("button", name="Check in")).to_be_visible()
    assert stored().roster[0].checked_in_at is None
    assert [e.action for e in stored().audit] == ["roster.checked_in", "roster.checked_out"]


def test_copy_the_waiver_link_and_see_its_qr_code(dock, app_server):
    page = dock
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    link = f"{PUBLIC_URL}/g/dock/waiver"
    expect(page.get_by_role("textbox", name="Waiver link")).to_have_value(link)
    expect(page.locator("figure.qr-figure svg.qr")).to_be_visible()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#page-status")).to_have_text(f"Waiver link copied: {link}")
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_the_page_reads_without_javascript(admin_user, raw_table, app_server, browser, settings):
    settings.PUBLIC_URL = PUBLIC_URL
    raw_table.put(event_item("dock", roster=[patron("p1", "Ada Lovelace"), patron("p2", "Zed Zulu")]))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, app_server.url)
    page.goto(f"{app_server.url}/events/dock/")
    expect(page.locator("figure.qr-figure svg.qr")).to_be_visible()
    page.get_by_role("link", name="Patron").click()  # sort by name
    page.get_by_role("link", name="Patron").click()  # again: descending
    expect(page.locator("#roster tbody tr.patron-row th").first).to_have_text("Zed Zulu")
    expect(page.get_by_role("columnheader", name="Patron")).to_have_attribute("aria-sort", "descending")
    context.close()


def test_demo_dock_day_in_every_state(admin_user, tables, app_server, page, settings):
    import io

    from django.core.management import call_command

    settings.PUBLIC_URL = PUBLIC_URL
    call_command("seed_demo", stdout=io.StringIO())
    browser_sign_in(page, app_server.url)
    page.goto(f"{app_server.url}/events/demo-dock-day/")
    expect(row(page, "Grace Hopper").locator('[data-field="outstanding"]')).to_have_text("Overpaid $15.00")
    expect(row(page, "Alan Turing")).to_contain_text("Cancelled")
    expect(page.get_by_role("rowheader", name="No patron recorded (legacy)")).to_be_visible()
    expect(page.locator("#roster tfoot")).to_contain_text("$330.00")
    screenshot(page, "demo-dock-day-1280.png")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    screenshot(page, "demo-dock-day-375.png")
