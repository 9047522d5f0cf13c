"""Chromium against the app: no CSP violation or console error on any page, and stored HTML
(written by other software or typed by patrons) shows as text and never runs."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_sign_in
from tests.factories import event_item, patron, payment_record

PID = str(uuid.UUID(int=7))
XSS = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"><b onmouseover='window.__xss=3'>b</b>"
# Elements the hostile text would create if it were parsed as HTML (our JSON data blocks are fine).
INJECTED = "script:not([src]):not([type='application/json']), img[src='x'], b[onmouseover]"


def record(payment_id, patron_id, notes=""):
    return payment_record(payment_id, patron_id, notes=notes)


@pytest.fixture
def watched(page):
    """The page, with every console error, page error and CSP violation collected."""
    problems = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
    )

    def on_console(message):
        if message.type != "error":
            return
        # Chromium logs a non-2xx document load as an error: fine for the pages meant to be 4xx.
        url = message.location.get("url", "").split("#")[0]
        if message.text.startswith("Failed to load resource") and url in page.expected_4xx:
            return
        problems.append(f"console: {message.text} at {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.problems = problems
    page.expected_4xx = set()
    return page


def test_every_page_without_csp_violations_or_console_errors(admin_user, raw_table, app_server, watched):
    page = watched
    raw_table.put(
        event_item(
            "ev-1",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[record(PID, "p1")],
            payment_ids={"SS": [PID]},
        )
    )
    browser_sign_in(page, app_server.url)  # the login page, then dispatch

    page.get_by_role("button", name="Log Payment").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Patron", exact=True).select_option(label="Grace Hopper")
    dialog.get_by_label("Amount (USD)").fill("20.00")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("saved")

    page.goto(f"{app_server.url}/events/ev-1/")
    ada = page.locator(f"tr[data-payment-id='{PID}']")
    ada.get_by_role("button", name="Send confirmation").click()
    expect(ada.get_by_role("button", name="Resend")).to_be_visible()
    ada.get_by_role("button", name="Void").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").fill("charged twice")
    dialog.get_by_role("button", name="Void payment").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#ledger tr.voided")).to_contain_text("Voided")

    page.goto(f"{app_server.url}/audit/")
    expect(page.get_by_role("heading", name=re.compile("Audit"))).to_be_visible()
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()

    page.goto(f"{app_server.url}/g/ev-1/waiver")
    page.get_by_label("Full name").fill("Lin Wei")
    page.get_by_label("Email").fill("lin@example.com")
    page.get_by_label("I agree to the waiver").check()
    page.get_by_role("button", name="Sign waiver").click()
    expect(page.get_by_role("heading", name="Waiver signed")).to_be_visible()

    page.expected_4xx.add(f"{app_server.url}/nope/")
    response = page.goto(f"{app_server.url}/nope/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

    assert page.problems == []


def assert_shown_as_text(page, *texts):
    assert page.evaluate("window.__xss") is None
    assert page.locator(INJECTED).count() == 0, page.locator(INJECTED).first.evaluate("e => e.outerHTML")
    for text in texts:
        expect(page.get_by_text(text, exact=False).first).to_be_visible()


def test_stored_html_shows_as_text_and_never_runs(admin_user, raw_table, app_server, watched):
    page = watched
    title, location, name, notes, waiver = (f"{label} {XSS}" for label in ("Title", "Where", "Name", "Note", "Terms"))
    audit = {
        "M": {
            "at": {"S": "2026-11-01T17:00:00.000+00:00"},
            "operator": {"S": XSS},
            "action": {"S": "payment.logged"},
            "payment_id": {"S": PID},
            "patron_id": {"S": "p1"},
            "detail": {"S": f"Detail {XSS}"},
        }
    }
    raw_table.put(
        event_item(
            "ev-x",
            roster=[patron("p1", name, "ada@example.com")],
            payments=[record(PID, "p1", notes)],
            payment_ids={"SS": [PID]},
            title={"S": title},
            location={"S": location},
            waiver_text={"S": waiver},
            audit={"L": [audit]},
        )
    )
    browser_sign_in(page, app_server.url)
    assert_shown_as_text(page, title, location)
    page.get_by_role("button", name="Log Payment").click()
    expect(page.get_by_role("dialog").get_by_label("Patron", exact=True)).to_contain_text(name)
    assert_shown_as_text(page)

    page.goto(f"{app_server.url}/events/ev-x/")
    assert_shown_as_text(page, title, location, name, notes, f"Detail {XSS}")
    page.locator(f"tr[data-payment-id='{PID}']").get_by_role("button", name="Void").click()
    expect(page.get_by_role("dialog")).to_contain_text(name)
    assert_shown_as_text(page)

    page.goto(f"{app_server.url}/audit/")
    assert_shown_as_text(page, f"Detail {XSS}")

    page.goto(f"{app_server.url}/g/ev-x/waiver")
    assert_shown_as_text(page, title, location, waiver)
    # A patron's own name, typed into the form, comes back as text too.
    page.get_by_label("Full name").fill(f"Pat {XSS}")
    page.get_by_label("Email").fill("not-an-email")
    page.expected_4xx.add(f"{app_server.url}/g/ev-x/waiver")  # the re-shown form is a 400
    page.get_by_label("I agree to the waiver").check()
    page.get_by_role("button", name="Sign waiver").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_shown_as_text(page)
    expect(page.get_by_label("Full name")).to_have_value(f"Pat {XSS}")

    assert page.problems == []
