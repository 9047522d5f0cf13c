"""Event ids other software chose reach their own pages in a real browser: a link to "a/../b" or ".."
is not rewritten by Chromium to another event's URL (events.urls.EventIdConverter)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_sign_in
from tests.factories import event_item, patron

# "b" and "a" exist too: a link rewritten by the browser ("a/../b" -> "b") would land on them.
IDS = ["a/../b", "..", "b", "a", "new", "x y ", "q?x#y", "back\\slash"]


@pytest.fixture
def odd_ids(admin_user, raw_table):
    for n, event_id in enumerate(IDS):
        raw_table.put(event_item(event_id, days=1 + n, roster=[patron("p1", f"Patron of {event_id}")]))


@pytest.mark.parametrize("event_id", ["a/../b", "..", "new", "q?x#y", "back\\slash", "x y "])
def test_a_link_to_an_event_opens_that_event(odd_ids, app_server, page, event_id):
    browser_sign_in(page, app_server.url)
    page.get_by_role("link", name=f"Charter {event_id}", exact=True).click()
    expect(page.get_by_role("heading", name=f"Charter {event_id}", exact=True, level=1)).to_be_visible()
    expect(page.get_by_role("rowheader", name=f"Patron of {event_id}")).to_be_visible()
    # The page's own links keep to it: the roster CSV and the waiver link are this event's.
    page.get_by_role("link", name="Edit event").click()
    expect(page.get_by_label("Title")).to_have_value(f"Charter {event_id}")
    page.go_back()
    waiver = page.locator("#waiver-link").input_value() if page.locator("#waiver-link").count() else None
    if waiver:
        page.goto(waiver)
        expect(page.get_by_role("heading", name=f"Charter {event_id}")).to_be_visible()
