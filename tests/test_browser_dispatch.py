import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import event_item, patron


@pytest.fixture
def seeded(admin_user, raw_table):
    raw_table.put(event_item("sunset", days=3, roster=[patron("p1", "Ada Lovelace", "ada@example.com")]))
    raw_table.put(event_item("whales", days=9, price=None))


def test_sign_in_and_see_dispatch_cards(seeded, app_server, page):
    page.goto(f"{app_server.url}/")
    expect(page).to_have_url(f"{app_server.url}/login/?next=%2F")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dispatch", exact=True)).to_be_visible()
    cards = page.locator("article.card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Charter sunset")
    expect(page.get_by_role("button", name="Log Payment").first).to_be_visible()
    page.get_by_role("link", name="Charter sunset").click()
    expect(page.get_by_role("heading", name="Charter sunset")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Ada Lovelace")).to_be_visible()
