"""A walk through every page and state, on a 1280 px desktop and a 375 px phone, in Chromium.

Each stop runs axe-core (the npm package, injected into the page) and fails on a serious or
critical violation, and checks that nothing scrolls sideways. `make screenshots` keeps a PNG of
every stop under var/screenshots/ (SCC_SCREENSHOT_DIR) for a reviewer to look at.
"""

import json
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import add_operator, browser_sign_in
from tests.factories import event_item, legacy_payment, patron, payment_record

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
SCREENSHOT_DIR = os.environ.get("SCC_SCREENSHOT_DIR")
BLOCKING = ("serious", "critical")

LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" * 6  # 210 characters, no space: the waiver form allows 200
LONG_ID = "charter-" + "x" * 100 + "-2026"
P1, P2, P3, V1, R1 = (str(uuid.UUID(int=n)) for n in range(1, 6))


def rec(payment_id, patron_id, amount, at="2026-11-01T17:00:00.000+00:00", *, email_sent=False, **strings):
    """A ledger record as the app writes it; `strings` (kind, voids, notes, method, ...) as S values."""
    extra = {name: {"S": value} for name, value in strings.items()}
    extra["timestamp"] = {"S": at}
    kind = extra.pop("kind", {"S": "payment"})["S"]
    notes = extra.pop("notes", {"S": ""})["S"]
    return payment_record(payment_id, patron_id, amount, notes=notes, email_sent=email_sent, kind=kind, **extra)


def audit_entry(at, operator, action, **fields):
    data = {"at": {"S": at}, "operator": {"S": operator}, "action": {"S": action}}
    for name, value in fields.items():
        data[name] = {"N": value} if name == "amount" else {"S": value}
    return {"M": data}


def seed_many(raw_table):
    """Events in every state the pages show: busy, legacy, long content, empty roster, past; and more."""
    roster = [
        patron(
            "p1", "Ada Lovelace", "ada@example.com", phone="+1 206 555 0101", waiver_signed_at="2026-11-01T16:00:00Z"
        ),
        patron("p2", "Grace Hopper", checked_in_at="2026-11-02T16:30:00Z"),
        patron("p3", "José Ñúñez", "jose@example.com", cancelled_at="2026-11-02T10:00:00Z", cancel_reason="Sick"),
    ]
    raw_table.put(
        event_item(
            "sunset",
            days=3,
            price="45",
            roster=roster,
            payments=[
                rec(
                    P1,
                    "p1",
                    "45",
                    notes="card at the dock\nsecond line",
                    email_sent=True,
                    email_sent_at="2026-11-01T17:05:00Z",
                    method="card",
                ),
                rec(P2, "p2", "30", "2026-11-02T17:00:00.000+00:00"),
                rec(V1, "p2", "-30", "2026-11-02T18:00:00.000+00:00", kind="void", voids=P2),
                rec(P3, "p1", "20", "2026-11-03T17:00:00.000+00:00"),
                rec(R1, "p1", "-5", "2026-11-03T18:00:00.000+00:00", kind="refund", refunds=P3),
            ],
            payment_ids={"SS": [P1, P2, V1, P3, R1]},
            audit={
                "L": [
                    audit_entry(
                        "2026-11-01T16:00:00Z",
                        "(patron)",
                        "waiver.signed",
                        patron_id="p1",
                        detail="Ada Lovelace signed",
                    ),
                    audit_entry(
                        "2026-11-01T17:00:00Z", "alice", "payment.logged", payment_id=P1, patron_id="p1", amount="45"
                    ),
                    audit_entry(
                        "2026-11-01T17:05:00Z", "alice", "email.sent", payment_id=P1, detail="Sent to ada@example.com"
                    ),
                    audit_entry(
                        "2026-11-03T17:10:00Z",
                        "alice",
                        "email.failed",
                        payment_id=P3,
                        detail="ConnectionRefusedError: [Errno 111] Connection refused",
                    ),
                ]
            },
        )
    )
    raw_table.put(
        event_item(
            "legacy-day",
            days=10,
            price=None,
            title={"S": "Legacy harbour tour"},
            payments=[legacy_payment("45", notes="cash"), legacy_payment("12.5", notes="tip\nfor the crew")],
        )
    )
    raw_table.put(
        event_item(
            LONG_ID,
            days=5,
            title={"S": "Sunrise " + LONG_NAME},
            location={"S": "Dock " + "Q" * 150},
            roster=[patron("p-long", LONG_NAME[:200], "long" + "a" * 60 + "@example.com")],
            payments=[rec(P1 + "-with-a-much-longer-id-from-other-software", "p-long", "100000")],
        )
    )
    raw_table.put(event_item("empty-roster", days=7, title={"S": "Whale watch (no one yet)"}))
    raw_table.put(event_item("last-week", days=-7, title={"S": "Last week's sail"}))
    for n in range(27):
        raw_table.put(event_item(f"filler-{n:02d}", days=20 + n, price="10", title={"S": f"Evening sail {n + 1}"}))


class Walk:
    """Visits pages at one size: axe, no sideways scroll, and a screenshot under make screenshots."""

    def __init__(self, page, base, size):
        self.page, self.base, self.size = page, base, size
        self.seen = []

    def go(self, path, name, *, status=200, ready=None):
        response = self.page.goto(self.base + path)
        assert response.status == status, (path, response.status)
        expect(self.page.locator(ready or "h1").first).to_be_visible()
        self.check(name)

    def check(self, name):
        self.page.evaluate("document.fonts.ready")
        if SCREENSHOT_DIR:  # first, so that a failing stop can be looked at too
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=Path(SCREENSHOT_DIR) / f"walk-{self.size}-{name}.png", full_page=True)
            # And what the screen shows at that moment (where the focus and the pinned banners are).
            self.page.screenshot(path=Path(SCREENSHOT_DIR) / f"walk-{self.size}-{name}-screen.png")
        violations = self.axe()
        assert not violations, f"{name} at {self.size}: {json.dumps(violations, indent=1)}"
        width = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{name} at {self.size} scrolls sideways: {width}"
        self.seen.append(name)

    def axe(self):
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        return self.page.evaluate(
            """async (blocking) => {
                const result = await axe.run(document, { resultTypes: ["violations"] });
                return result.violations.filter(v => blocking.includes(v.impact)).map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary),
                }));
            }""",
            list(BLOCKING),
        )


@pytest.fixture
def make_page(browser, app_server):
    contexts = []

    def make(size):
        # bypass_csp: axe is injected as a script the app's CSP (rightly) refuses; the app's own scripts are unchanged.
        context = browser.new_context(viewport=SIZES[size], bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
        return Walk(page, app_server.url, size)

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_signed_out_pages_and_the_empty_app(tables, app_server, make_page, size):
    add_operator("alice", "admin")
    walk = make_page(size)
    page = walk.page
    walk.go("/login/", "login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    walk.check("login-error")
    walk.go("/g/nowhere/waiver", "waiver-404", status=404)
    browser_sign_in(page, app_server.url)
    walk.check("dispatch-empty")
    walk.go("/?show=past", "dispatch-empty-past")
    walk.go("/audit/", "audit-empty")
    walk.go("/events/new/", "event-new")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    walk.check("event-new-errors")
    walk.go("/events/nope/", "event-404", status=404)
    walk.go("/logout/", "logout-confirm")
    page.locator("#main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("signed out")
    walk.check("signed-out")


@pytest.mark.parametrize("size", SIZES)
def test_admin_walk(raw_table, app_server, make_page, size):
    add_operator("alice", "admin")
    seed_many(raw_table)
    walk = make_page(size)
    page = walk.page
    browser_sign_in(page, app_server.url)
    walk.check("dispatch-many")
    expect(page.locator(".why-disabled").first).to_contain_text("No patrons on the roster yet")
    walk.go("/?page=2", "dispatch-page-2")
    walk.go("/?q=zzz", "dispatch-no-results")
    walk.go("/?show=past", "dispatch-past")

    walk.go("/events/sunset/", "event-busy")
    walk.go("/events/legacy-day/", "event-legacy")
    expect(page.locator("#activity")).not_to_contain_text("No recorded activity")
    walk.go(f"/events/{LONG_ID}/", "event-long-content")
    walk.go("/events/empty-roster/", "event-empty-roster")
    walk.go("/events/sunset/edit/", "event-edit")

    walk.go("/audit/", "audit-many")
    walk.go("/audit/?operator=pat", "audit-operator-fragment")
    walk.go("/audit/?page=99", "audit-page-out-of-range")
    walk.go("/audit/?since=2026-12-05&until=2026-12-01", "audit-bad-dates", status=400)
    walk.go("/audit/?event=nothing-like-this", "audit-no-match")
    walk.go("/operators/", "operators")
    walk.go("/account/", "account")

    # The Log Payment dialog: open, field errors, slow network, an expired session.
    walk.go("/", "dispatch-before-dialog")
    card = page.locator('article.card[data-event-id="sunset"]')
    card.get_by_role("button", name="Log Payment").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Patron", exact=True)).to_contain_text("Ada Lovelace")
    walk.check("dialog-open")
    dialog.get_by_label("Patron", exact=True).select_option(label="Ada Lovelace")
    dialog.get_by_label("Amount (USD)").fill("100,000.01")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog.get_by_label("Amount (USD)")).to_have_attribute("aria-invalid", "true")
    walk.check("dialog-field-error")

    held = []
    page.route("**/api/payment-log", lambda route: held.append(route))
    dialog.get_by_label("Amount (USD)").fill("$1,000.50")
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog.get_by_role("button", name="Saving…")).to_be_disabled()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_disabled()
    walk.check("dialog-saving-slow-network")
    held[0].continue_()
    expect(dialog).to_be_hidden()
    expect(page.locator("#page-status")).to_contain_text("Payment of $1,000.50 from Ada Lovelace saved")
    expect(card.locator(".card-note")).to_contain_text("$1,000.50")
    expect(page.locator("#page-status")).to_be_in_viewport()
    walk.check("dispatch-after-save")
    page.unroute("**/api/payment-log")

    card.get_by_role("button", name="Log Payment").click()
    expect(dialog.get_by_label("Patron", exact=True)).to_contain_text("Ada Lovelace")
    dialog.get_by_label("Patron", exact=True).select_option(label="Grace Hopper")
    dialog.get_by_label("Amount (USD)").fill("5")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    dialog.get_by_role("button", name="Save payment").click()
    expect(dialog.get_by_role("link", name="Sign in again (opens a new tab)")).to_be_visible()
    expect(dialog.get_by_label("Amount (USD)")).to_have_value("5")
    walk.check("dialog-session-expired")
    assert len(walk.seen) == 22  # every stop above was checked


@pytest.mark.parametrize("size", SIZES)
def test_staff_walk_and_the_patron_pages(raw_table, app_server, make_page, size):
    add_operator("sam", "staff")
    seed_many(raw_table)
    walk = make_page(size)
    page = walk.page
    browser_sign_in(page, app_server.url, username="sam")
    walk.check("staff-dispatch")
    expect(page.get_by_role("button", name="Log Payment")).to_have_count(0)
    walk.go("/events/sunset/", "staff-event")
    walk.go("/audit/", "staff-audit")
    walk.go("/account/", "staff-account")

    walk.go("/g/sunset/waiver", "waiver")
    page.get_by_role("button", name="Sign waiver").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    walk.check("waiver-errors")
    page.get_by_label("Full name").fill(LONG_NAME[:200])
    page.get_by_label("Email").fill("long@example.com")
    page.get_by_label("I agree to the waiver").check()
    page.get_by_role("button", name="Sign waiver").click()
    expect(page.get_by_role("heading", name="Waiver signed")).to_be_visible()
    walk.check("waiver-signed")
    walk.go("/g/last-week/waiver", "waiver-past")
