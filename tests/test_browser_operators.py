"""The operators page, the account page and the sign-in states in Chromium, on a desktop and a phone."""

import json
import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts import selectors
from tests.conftest import PASSWORD, add_operator, browser_sign_in

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
NEW = "a fresh passphrase 7"
# Set SCC_SCREENSHOT_DIR to keep PNGs of each state for a look by eye.
SCREENSHOT_DIR = os.environ.get("SCC_SCREENSHOT_DIR")


def screenshot(page, name):
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOT_DIR) / name, full_page=True)


def fits(page, size):
    return page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def fail_to_sign_in(username, times):
    for _ in range(times):
        body = json.dumps({"username": username, "password": "wrong"})
        Client().post("/api/login", body, content_type="application/json")


def row(page, username):
    return page.locator(f'tr[data-username="{username}"]')


def banner(page):
    return page.locator(".banners [role=status]").first


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_an_admin_manages_operators(admin_user, staff_user, app_server, page, size):
    page.set_viewport_size(size)
    fail_to_sign_in(staff_user, 5)  # sam is locked
    browser_sign_in(page, app_server.url, "alice")
    if size is DESKTOP:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Operators").click()
    else:
        page.goto(f"{app_server.url}/operators/")
    expect(page.get_by_role("heading", name="Operators", exact=True)).to_be_visible()
    expect(row(page, "sam").get_by_role("button", name="Unlock")).to_be_visible()  # locked: Unlock shows
    screenshot(page, f"operators-{size['width']}.png")
    assert fits(page, size)

    # Add operator: a mistake first, shown beside its field.
    add = page.locator("#add-operator")
    add.get_by_label("Username").fill("dana")
    add.get_by_label("Password", exact=True).fill("1234567890123")
    add.get_by_label("Confirm password").fill("1234567890123")
    add.get_by_role("button", name="Add operator").click()
    password = page.locator("#add-operator").get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_password_error")).to_contain_text("This password is entirely numeric.")
    expect(page.locator("#add-operator").get_by_label("Username")).to_have_value("dana")  # kept
    screenshot(page, f"operators-{size['width']}-add-error.png")
    add = page.locator("#add-operator")
    add.get_by_label("Password", exact=True).fill(NEW)
    add.get_by_label("Confirm password").fill(NEW)
    add.get_by_label("Role").select_option("staff")
    add.get_by_role("button", name="Add operator").click()
    expect(banner(page)).to_contain_text("Added dana (Staff)")
    expect(row(page, "dana")).to_contain_text("Staff")

    # Change role, Disable / Enable, Unlock: each answered by a message.
    row(page, "dana").get_by_label("Role for dana").select_option("admin")
    row(page, "dana").get_by_role("button", name="Change role").click()
    expect(banner(page)).to_contain_text("dana is admin now.")
    expect(row(page, "dana")).to_contain_text("Admin")
    row(page, "dana").get_by_role("button", name="Disable").click()
    expect(banner(page)).to_contain_text("Disabled dana")
    expect(row(page, "dana")).to_contain_text("Disabled")
    row(page, "dana").get_by_role("button", name="Enable").click()
    expect(banner(page)).to_contain_text("Enabled dana")
    row(page, "sam").get_by_role("button", name="Unlock").click()
    expect(banner(page)).to_contain_text("Unlocked sam")
    expect(row(page, "sam").get_by_role("button", name="Unlock")).to_have_count(0)
    assert selectors.operator_row("sam").locked_until is None

    # Reset password: a page of its own.
    row(page, "sam").get_by_role("button", name="Reset password").click()
    expect(page.get_by_role("heading", name="Reset password for sam")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    screenshot(page, f"operator-password-{size['width']}.png")
    page.get_by_role("button", name="Reset password").click()
    expect(banner(page)).to_contain_text("Password reset for sam.")

    # Stepping down (dana is an admin now): a role change signs the operator out everywhere, this session too.
    row(page, "alice").get_by_label("Role for alice").select_option("staff")
    row(page, "alice").get_by_role("button", name="Change role").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(banner(page)).to_have_text("You are staff now. Sign in again.")
    assert selectors.operator_row("alice").role == "staff"
    screenshot(page, f"operators-{size['width']}-done.png")


def test_the_last_admin_cannot_step_down(admin_user, app_server, page):
    page.set_viewport_size(DESKTOP)
    browser_sign_in(page, app_server.url, "alice")
    page.goto(f"{app_server.url}/operators/")
    row(page, "alice").get_by_label("Role for alice").select_option("staff")
    row(page, "alice").get_by_role("button", name="Change role").click()
    expect(page.get_by_role("alert")).to_contain_text("That would leave no enabled admin")
    screenshot(page, "operators-1280-last-admin.png")
    assert selectors.operator_row("alice").role == "admin"


def test_staff_see_no_operators_link_and_get_403(staff_user, app_server, page):
    browser_sign_in(page, app_server.url, "sam")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Operators")).to_have_count(0)
    page.goto(f"{app_server.url}/operators/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_an_operator_changes_their_password_and_signs_out_everywhere(staff_user, app_server, browser, page, size):
    page.set_viewport_size(size)
    elsewhere = browser.new_context().new_page()  # the same operator on another device
    browser_sign_in(elsewhere, app_server.url, "sam")
    browser_sign_in(page, app_server.url, "sam")
    page.get_by_role("link", name="sam").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    screenshot(page, f"account-{size['width']}.png")
    assert fits(page, size)

    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    current = page.get_by_label("Current password")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_current_password_error")).to_have_text("Your current password was entered incorrectly.")
    screenshot(page, f"account-{size['width']}-error.png")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    expect(banner(page)).to_contain_text("Your password was changed.")
    elsewhere.reload()
    expect(elsewhere.get_by_role("heading", name="Sign in")).to_be_visible()  # the other device is signed out

    browser_sign_in(elsewhere, app_server.url, "sam", password=NEW)
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(banner(page)).to_contain_text("You are signed out everywhere")
    elsewhere.reload()
    expect(elsewhere.get_by_role("heading", name="Sign in")).to_be_visible()
    elsewhere.context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "375"])
def test_sign_in_and_out_states(admin_user, app_server, page, size):
    page.set_viewport_size(size)
    page.goto(f"{app_server.url}/login/")
    for _ in range(4):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("One attempt left")
    screenshot(page, f"login-{size['width']}-last-attempt.png")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dispatch", exact=True)).to_be_visible()

    page.goto(f"{app_server.url}/login/")  # signed in already: sent on
    expect(page.get_by_role("heading", name="Dispatch", exact=True)).to_be_visible()
    expect(banner(page)).to_contain_text("You are already signed in as alice.")

    page.goto(f"{app_server.url}/logout/")  # a link or a bookmark: asks first
    expect(page.get_by_role("heading", name="Sign out")).to_be_visible()
    screenshot(page, f"logout-{size['width']}.png")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(banner(page)).to_have_text("You are signed out.")
    screenshot(page, f"login-{size['width']}-signed-out.png")


def test_the_header_sign_out_works_without_javascript(admin_user, app_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    browser_sign_in(page, app_server.url, "alice")
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    context.close()


def test_the_operators_page_lists_many_operators_on_a_phone_without_sideways_scrolling(admin_user, app_server, page):
    for n in range(12):
        add_operator(f"deckhand-{n:02}-with-a-rather-long-name", "staff")
    page.set_viewport_size(PHONE)
    browser_sign_in(page, app_server.url, "alice")
    page.goto(f"{app_server.url}/operators/")
    expect(page.locator("tbody tr")).to_have_count(13)
    assert fits(page, PHONE)
