"""The audit page and the Void button in Chromium, against the app on a real port and dynalite."""

import csv
import io
import json
import uuid

import pytest
from django.test import Client
from playwright.sync_api import expect

from events.models import Event
from tests.conftest import add_operator, browser_sign_in, token_for
from tests.factories import event_item, legacy_payment, patron


def log(username, **body):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(username)}")
    response = client.post("/api/payment-log", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    return response.json()["payment"]["payment_id"]


@pytest.fixture
def ledger(admin_user, raw_table):
    add_operator("bob", "admin")
    raw_table.put(
        event_item(
            "sunset",
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper", "grace@example.com")],
            payments=[legacy_payment("20", operator="admin")],
        )
    )
    ids = [log("alice", event_id="sunset", patron_id="p1", amount="45.00", notes="card")]
    ids.append(log("bob", event_id="sunset", patron_id="p2", amount="30.00", notes="cash"))
    return ids


def test_filter_by_operator_and_download_csv(ledger, app_server, page):
    browser_sign_in(page, app_server.url, "alice")
    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_text("Showing 1–5 of 5")).to_be_visible()  # 3 payments, and alice and bob added
    page.get_by_label("Operator").fill("bob")
    page.get_by_label("Action").select_option("payment.logged")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Showing 1–1 of 1")).to_be_visible()
    expect(page.get_by_label("Operator")).to_have_value("bob")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("Grace Hopper")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("scc-audit-") and download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(r["operator"], r["action"], r["patron_name"], r["amount"]) for r in rows] == [
        ("bob", "payment.logged", "Grace Hopper", "30.00")
    ]


def test_void_button_asks_for_a_reason_and_marks_the_payment(ledger, app_server, page):
    browser_sign_in(page, app_server.url, "alice")
    page.goto(f"{app_server.url}/events/sunset/")
    ada_row = page.locator("#ledger tbody tr", has_text="Ada Lovelace")
    ada_row.get_by_role("button", name="Void").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("$45.00 from Ada Lovelace")
    expect(dialog.get_by_label("Reason")).to_be_focused()
    dialog.get_by_role("button", name="Void payment").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Enter a reason")
    dialog.get_by_label("Reason").fill("charged twice")
    dialog.get_by_role("button", name="Void payment").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("Payment $45.00 from Ada Lovelace")
    expect(page.locator('#event-totals [data-field="paid"]')).to_have_text("$50.00")
    expect(page.locator("#ledger tr.voided")).to_have_count(1)
    expect(page.locator("#ledger tr.voided")).to_contain_text("Voided")
    expect(page.locator("#activity")).to_contain_text("Payment voided")
    expect(page.locator("#ledger").get_by_role("button", name="Void")).to_have_count(1)  # Grace's only
    # Rows the void did not change keep their buttons working (Send confirmation binds per button).
    grace_row = page.locator("#ledger tbody tr", has_text="Grace Hopper")
    grace_row.get_by_role("button", name="Send confirmation").click()
    expect(page.get_by_role("status")).to_contain_text("Confirmation emailed to grace@example.com")
    voids = [r for r in Event.get("sunset", consistent_read=True).payments if r.is_void]
    assert len(voids) == 1 and voids[0].voids == ledger[0] and voids[0].notes == "charged twice"
    assert uuid.UUID(voids[0].payment_id)
