"""The Log Payment dialog in Chromium, against the app on a real port and dynalite."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from events.models import Event
from tests.conftest import browser_sign_in
from tests.factories import event_item, patron

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


@pytest.fixture
def dispatch(admin_user, raw_table, app_server, page):
    raw_table.put(
        event_item(
            "sunset",
            days=3,
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
        )
    )
    browser_sign_in(page, app_server.url)
    return page


def open_dialog(page):
    page.get_by_role("button", name="Log Payment").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Patron", exact=True)).to_contain_text("Ada Lovelace")
    return dialog


def payments():
    return Event.get("sunset", consistent_read=True).payments or []


def test_happy_path_updates_card_without_reload(dispatch):
    page = dispatch
    page.evaluate("window.__marker = 'same page'")
    card = page.locator('article.card[data-event-id="sunset"]')
    expect(card.locator('[data-field="outstanding"]')).to_have_text("$90.00")
    dialog = open_dialog(page)
    expect(dialog.get_by_label("Patron", exact=True)).to_be_focused()
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    expect(dialog).to_contain_text("Patron ID: p1")
    dialog.get_by_label("Amount (USD)").fill("45.00")
    dialog.get_by_label("Notes").fill("card at the dock")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("Payment of $45.00 from Ada Lovelace saved")
    expect(card.locator('[data-field="paid"]')).to_have_text("$45.00")
    expect(card.locator('[data-field="outstanding"]')).to_have_text("$45.00")  # the card's balance follows
    assert page.evaluate("window.__marker") == "same page"
    expect(page.get_by_role("button", name="Log Payment")).to_be_focused()
    [record] = payments()
    assert str(record.amount) == "45" and record.patron_id == "p1" and record.operator == "alice"


def test_error_shows_server_message_and_keeps_values(dispatch):
    page = dispatch
    dialog = open_dialog(page)
    dialog.get_by_label("Patron", exact=True).select_option(label="Grace Hopper")
    dialog.get_by_label("Amount (USD)").fill("12.345")
    dialog.get_by_label("Notes").fill("keep me")
    dialog.get_by_role("button", name="Save payment").click()
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("Use at most 2 decimal places.")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("12.345")
    expect(dialog.get_by_label("Notes")).to_have_value("keep me")
    expect(dialog.get_by_label("Patron", exact=True)).to_have_value("p2")
    expect(dialog.get_by_role("button", name="Save payment")).to_be_enabled()
    assert payments() == []
    dialog.get_by_label("Amount (USD)").fill("12.34")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    assert len(payments()) == 1


def test_double_click_logs_once(dispatch):
    page = dispatch
    dialog = open_dialog(page)
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    dialog.get_by_label("Amount (USD)").fill("10")
    dialog.get_by_role("button", name="Save payment").dblclick()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("saved")
    assert len(payments()) == 1
    # A second opening is a new payment with a fresh payment_id.
    dialog = open_dialog(page)
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    dialog.get_by_label("Amount (USD)").fill("10")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    assert len({r.payment_id for r in payments()}) == 2


def test_keyboard_escape_and_cancel_close_and_return_focus(dispatch):
    page = dispatch
    button = page.get_by_role("button", name="Log Payment")
    expect(button).to_be_enabled()  # its script is listening: a key press before that does nothing
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Patron", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    assert payments() == []


def test_notes_with_html_show_as_text(dispatch, app_server):
    page = dispatch
    dialog = open_dialog(page)
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    dialog.get_by_label("Amount (USD)").fill("5")
    dialog.get_by_label("Notes").fill(XSS)
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    page.goto(f"{app_server.url}/events/sunset/")
    expect(page.get_by_role("cell", name=XSS)).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src=x]").count() == 0


def test_errors_sit_beside_their_fields_as_the_admin_shows_them(dispatch):
    page = dispatch
    dialog = open_dialog(page)
    dialog.get_by_role("button", name="Save payment").click()
    patron_field = dialog.get_by_label("Patron", exact=True)
    amount = dialog.get_by_label("Amount (USD)")
    expect(patron_field).to_be_focused()  # the first invalid field
    expect(patron_field).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(patron_field).to_have_accessible_description(re.compile("Choose the patron who paid"))
    expect(dialog.get_by_role("alert")).to_contain_text("Please correct the errors below. Patron: Choose")
    assert payments() == []
    # The server's refusal: beside the field, named by its label, the maximum as money.
    patron_field.select_option(label="Ada Lovelace")
    amount.fill("100,000.01")
    dialog.get_by_role("button", name="Save payment").click()
    expect(amount).to_be_focused()
    expect(amount).to_have_accessible_description(re.compile(r"at most \$100,000\.00"))
    expect(patron_field).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_role("alert")).to_contain_text("Please correct the error below.")
    expect(dialog.get_by_role("alert")).not_to_contain_text("Patron id")
    assert payments() == []


@pytest.mark.parametrize(("typed", "sent"), [("$45", "45"), ("1,000.50", "1000.50"), (" 45 ", "45")])
def test_amounts_as_people_type_them_are_sent_as_decimals(dispatch, typed, sent):
    page = dispatch
    dialog = open_dialog(page)
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    dialog.get_by_label("Amount (USD)").fill(typed)
    with page.expect_request("**/api/payment-log") as request:
        dialog.get_by_role("button", name="Save payment").click()
    assert request.value.post_data_json["amount"] == sent
    expect(dialog).to_be_hidden()
    [record] = payments()
    assert record.amount == Decimal(sent)


def test_cancel_waits_while_saving_and_the_outcome_is_told(dispatch):
    page = dispatch
    held = []
    page.route("**/api/payment-log", lambda route: held.append(route))
    dialog = open_dialog(page)
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    dialog.get_by_label("Amount (USD)").fill("10")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(dialog).to_be_visible()  # neither Cancel nor Escape hides a payment in flight
    held[0].continue_()
    expect(dialog).to_be_hidden()
    status = page.locator("#page-status")
    expect(status).to_contain_text("Payment of $10.00 from Ada Lovelace saved")
    expect(status).to_be_in_viewport()
    expect(page.locator('article.card[data-event-id="sunset"] .card-note')).to_contain_text("$10.00")
    page.get_by_role("button", name="Dismiss").click()
    expect(status).to_be_hidden()
    assert len(payments()) == 1
