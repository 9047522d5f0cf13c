"""An admin creates and edits events and finds them on the dispatch page, in Chromium.

Set SCC_SCREENSHOT_DIR to keep PNGs of each screen (1280 px and 375 px wide) for a look by eye.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_sign_in
from tests.factories import event_item, patron, payment_record

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SCREENSHOT_DIR = os.environ.get("SCC_SCREENSHOT_DIR")


def screenshot(page, name):
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOT_DIR) / name, full_page=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def errors(page):
    """Console errors and page errors seen while the test runs: there must be none. (A form shown again
    with its 400 or 409 is logged by Chromium as a failed load: that status is the point, not an error.)"""
    seen = []

    def console(message):
        if message.type == "error" and not re.search(r"status of (400|409) ", message.text):
            seen.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def fill_event(page, **fields):
    labels = {
        "title": "Title",
        "starts_at": "Starts at",
        "location": "Location",
        "price": "Price (USD)",
        "capacity": "Capacity",
        "waiver_text": "Waiver text",
    }
    for name, value in fields.items():
        page.get_by_label(labels[name], exact=True).fill(value)


def test_an_admin_creates_then_edits_an_event(admin_user, tables, app_server, page, errors):
    page.set_viewport_size(DESKTOP)
    browser_sign_in(page, app_server.url)
    page.get_by_role("link", name="New event").click()
    expect(page.get_by_role("heading", name="New event")).to_be_visible()
    fill_event(
        page,
        title="Sunset Sail",
        starts_at="2026-12-05T17:30",
        location="Pier 66, Seattle",
        price="45",
        capacity="12",
        waiver_text="Life jackets stay on while under way.",
    )
    screenshot(page, "event-new-1280.png")
    page.get_by_role("button", name="Save event").click()

    expect(page.get_by_role("heading", name="Sunset Sail")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/events/2026-12-05-sunset-sail-[a-z2-9]{4}/$"))
    expect(page.get_by_role("status").filter(has_text="Event “Sunset Sail” created.")).to_be_visible()
    expect(page.locator('[data-field="capacity"]')).to_have_text("0 of 12")
    expect(page.locator('[data-field="price"]')).to_have_text("$45.00")
    expect(page.locator("#activity")).to_contain_text("Event created")
    screenshot(page, "event-created-1280.png")

    page.get_by_role("link", name="Edit event").click()
    expect(page.get_by_label("Starts at")).to_have_value("2026-12-05T17:30")
    expect(page.get_by_label("Waiver text")).to_have_value("Life jackets stay on while under way.")
    fill_event(page, price="$1,050", capacity="10")  # as people type money: sent as 1050
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("status").filter(has_text="Saved changes to “Sunset Sail”.")).to_be_visible()
    expect(page.locator('[data-field="price"]')).to_have_text("$1,050.00")
    expect(page.locator("#activity")).to_contain_text("Price: $45.00 → $1,050.00; Capacity: 12 → 10.")
    assert errors == []


def test_the_loser_of_two_edits_sees_both_values_and_decides(admin_user, raw_table, app_server, page, errors):
    raw_table.put(event_item("regatta", starts_at={"S": "2026-12-05T09:30:00-08:00"}, capacity={"N": "20"}))
    page.set_viewport_size(DESKTOP)
    browser_sign_in(page, app_server.url)
    mine = page
    theirs = page.context.new_page()
    mine.goto(f"{app_server.url}/events/regatta/edit/")
    theirs.goto(f"{app_server.url}/events/regatta/edit/")

    theirs.get_by_label("Title", exact=True).fill("Winter Regatta")
    theirs.get_by_label("Price (USD)").fill("60")
    theirs.get_by_role("button", name="Save event").click()
    expect(theirs.get_by_role("status").filter(has_text="Saved changes")).to_be_visible()

    mine.get_by_label("Price (USD)").fill("50")
    mine.get_by_role("button", name="Save event").click()
    alert = mine.get_by_role("alert").filter(has_text="Someone else saved changes to this event")
    expect(alert).to_be_visible()
    expect(mine.get_by_label("Price (USD)")).to_have_value("50")  # what I typed stays
    expect(mine.locator(".field", has=mine.get_by_label("Price (USD)"))).to_contain_text("Saved now $60.00")
    expect(mine.locator(".field", has=mine.get_by_label("Title", exact=True))).to_contain_text(
        "Saved now “Winter Regatta”"
    )
    screenshot(mine, "event-stale-1280.png")
    mine.set_viewport_size(PHONE)
    assert no_sideways_scroll(mine)
    screenshot(mine, "event-stale-375.png")

    # Knowing both, I keep their title and my price.
    mine.get_by_label("Title", exact=True).fill("Winter Regatta")
    mine.get_by_role("button", name="Save event").click()
    expect(mine.get_by_role("status").filter(has_text="Saved changes")).to_be_visible()
    item = raw_table.get("regatta")
    assert (item["title"], item["price"], item["version"]) == ({"S": "Winter Regatta"}, {"N": "50"}, {"N": "2"})
    assert errors == []


def test_the_event_form_on_a_phone(admin_user, tables, app_server, page, errors):
    page.set_viewport_size(PHONE)
    browser_sign_in(page, app_server.url)
    page.goto(f"{app_server.url}/events/new/")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("alert").filter(has_text="Please correct the 2 fields")).to_be_visible()
    expect(page.get_by_text("Enter a title.")).to_be_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "event-new-375-errors.png")
    box = page.get_by_role("button", name="Save event").bounding_box()
    assert box["height"] >= 44
    assert errors == []


@pytest.fixture
def dispatch_events(raw_table):
    ada = patron("p1", "Ada Lovelace", "ada@example.com")
    raw_table.put(event_item("sunset", days=3, roster=[ada], payments=[payment_record("a" * 8, "p1", "45")]))
    raw_table.put(event_item("whales", days=9, price="30", roster=[patron("p2", "Grace Hopper")], capacity={"N": "12"}))
    raw_table.put(event_item("fishing", days=-6, price="210", roster=[ada], title={"S": "Salmon Fishing Charter"}))
    raw_table.put(event_item("over", days=5, price="20", roster=[ada], payments=[payment_record("b" * 8, "p1", "35")]))


def test_dispatch_search_and_show(admin_user, dispatch_events, app_server, page, errors):
    page.set_viewport_size(DESKTOP)
    browser_sign_in(page, app_server.url)
    cards = page.locator("article.card")
    expect(cards).to_have_count(3)
    expect(page.get_by_label("Show")).to_have_value("upcoming")
    expect(page.locator('article[data-event-id="over"] [data-field="outstanding"]')).to_have_text("Overpaid $15.00")
    screenshot(page, "dispatch-1280.png")

    page.get_by_label("Search").fill("ada@EXAMPLE")
    page.get_by_label("Search").press("Enter")
    expect(cards).to_have_count(2)
    expect(page.locator("#dispatch-count")).to_have_text("2 upcoming events matching “ada@EXAMPLE”")

    choose_show(page, "past")  # applies at once, keeping the search
    expect(page).to_have_url(re.compile(r"show=past"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Salmon Fishing Charter")

    page.get_by_label("Search").fill("nobody")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No results for “nobody” among past events.")).to_be_visible()
    page.get_by_role("link", name="Clear the search").click()
    expect(page.get_by_label("Search")).to_have_value("")
    expect(cards).to_have_count(1)

    choose_show(page, "owing")
    expect(cards).to_have_count(2)  # whales and fishing owe; sunset is paid up, "over" overpaid
    expect(cards.first).to_contain_text("Charter whales")
    assert errors == []


def choose_show(page, value):
    """Pick a Show filter once its script listens (it applies the choice at once)."""
    show = page.get_by_label("Show")
    expect(show).to_have_attribute("data-listening", "true")
    show.select_option(value)


def test_dispatch_on_a_phone(admin_user, dispatch_events, app_server, page, errors):
    page.set_viewport_size(PHONE)
    browser_sign_in(page, app_server.url)
    expect(page.locator("article.card")).to_have_count(3)
    assert no_sideways_scroll(page)
    screenshot(page, "dispatch-375.png")
    choose_show(page, "all")
    expect(page.locator("article.card")).to_have_count(4)
    assert no_sideways_scroll(page)
    assert errors == []
