"""A patron signs the waiver on a phone-sized Chromium, without JavaScript help from us."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import event_item, patron

PHONE = {"width": 375, "height": 812}
# Set SCC_SCREENSHOT_DIR to keep PNGs of each state for a look by eye.
SCREENSHOT_DIR = os.environ.get("SCC_SCREENSHOT_DIR")


@pytest.fixture
def phone_page(page):
    page.set_viewport_size(PHONE)
    return page


def screenshot(page, name):
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOT_DIR) / name, full_page=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_patron_signs_on_a_phone(raw_table, app_server, phone_page):
    page = phone_page
    raw_table.put(
        event_item(
            "dock-day",
            days=4,
            roster=[patron("patron-ada-01", "Ada Lovelace", "ada@example.com")],
            title={"S": "Sunset Cruise on Elliott Bay with a rather long title for a small screen"},
            location={"S": "Pier 66, Bell Street Cruise Terminal, Seattle"},
        )
    )
    page.goto(f"{app_server.url}/g/dock-day/waiver")
    expect(page.get_by_role("heading", name="Sunset Cruise on Elliott Bay", exact=False)).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "waiver-375.png")
    assert "Ada Lovelace" not in page.content()

    # Tap targets are at least 44 px tall.
    for control in [
        page.get_by_label("Full name"),
        page.get_by_label("Email"),
        page.get_by_label("Phone"),
        page.locator("label[for=id_agree]"),
        page.get_by_role("button", name="Sign waiver"),
    ]:
        assert control.bounding_box()["height"] >= 44

    # Submitting without agreeing re-shows the form with the values kept.
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email").fill("Grace@Example.com")
    page.get_by_label("Phone").fill("+1 206 555 0102")
    page.get_by_role("button", name="Sign waiver").click()
    expect(page.get_by_text("Please tick “I agree to the waiver” to sign.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Grace Hopper")
    expect(page.get_by_role("heading", name="Sign the waiver")).to_be_in_viewport()
    assert no_sideways_scroll(page)
    screenshot(page, "waiver-375-errors.png")
    assert len(raw_table.get("dock-day")["roster"]["L"]) == 1

    page.get_by_label("I agree to the waiver").check()
    page.get_by_role("button", name="Sign waiver").click()
    expect(page.get_by_role("heading", name="Waiver signed")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Thank you, Grace Hopper")
    assert "/g/dock-day/waiver?signed=1" in page.url
    assert no_sideways_scroll(page)
    screenshot(page, "waiver-375-signed.png")

    item = raw_table.get("dock-day")
    roster = [entry["M"] for entry in item["roster"]["L"]]
    assert [p["name"]["S"] for p in roster] == ["Ada Lovelace", "Grace Hopper"]
    assert roster[1]["email"]["S"] == "Grace@Example.com"
    assert roster[1]["phone"]["S"] == "+1 206 555 0102"
    assert item["roster_emails"] == {"SS": ["grace@example.com"]}

    # A reload of the thank-you page does not sign again.
    page.reload()
    expect(page.get_by_role("heading", name="Waiver signed")).to_be_visible()
    assert len(raw_table.get("dock-day")["roster"]["L"]) == 2


def test_unknown_event_on_a_phone(tables, app_server, phone_page):
    page = phone_page
    response = page.goto(f"{app_server.url}/g/no-such-trip/waiver")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We could not find this event")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "waiver-375-404.png")


def test_past_event_on_a_phone(raw_table, app_server, phone_page):
    page = phone_page
    raw_table.put(event_item("last-week", days=-7))
    page.goto(f"{app_server.url}/g/last-week/waiver")
    expect(page.get_by_role("heading", name="This event has already taken place")).to_be_visible()
    expect(page.get_by_role("button", name="Sign waiver")).to_have_count(0)
    assert no_sideways_scroll(page)
    screenshot(page, "waiver-375-past.png")
