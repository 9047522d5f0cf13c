import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import event_item, legacy_payment, patron


def seed_events(raw_table):
    raw_table.put(
        event_item(
            "sunset",
            days=3,
            price="45",
            roster=[patron("p1", "Ada Lovelace", "ada@example.com"), patron("p2", "Grace Hopper")],
            payments=[legacy_payment("45", notes="cash at dock")],
            captain={"S": "Capt. Alvarez"},
        )
    )
    raw_table.put(event_item("sparse", days=10, price=None))
    raw_table.put(event_item("past-trip", days=-5, price="100"))


def test_dispatch_shows_cards_upcoming_first(admin_client, raw_table):
    seed_events(raw_table)
    response = admin_client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Charter sunset") < html.index("Charter sparse")
    assert "Charter past-trip" not in html  # Upcoming is the default view
    everything = admin_client.get("/?show=all").content.decode()
    assert (
        everything.index("Charter sunset") < everything.index("Charter sparse") < everything.index("Charter past-trip")
    )
    assert "$45.00" in html  # legacy payment counts in the paid total
    assert "Log Payment" in html
    assert 'href="/events/sunset/"' in html


def test_staff_sees_no_log_payment_button(staff_client, raw_table):
    seed_events(raw_table)
    html = staff_client.get("/").content.decode()
    assert "Charter sunset" in html
    assert "Log Payment" not in html


def test_dispatch_empty_state(admin_client):
    html = admin_client.get("/").content.decode()
    assert "No upcoming events" in html


def test_event_page_shows_roster_legacy_ledger_and_balances(staff_client, raw_table):
    seed_events(raw_table)
    response = staff_client.get("/events/sunset/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html and "Grace Hopper" in html
    assert "cash at dock" in html and "Legacy" in html
    assert "$90.00" in html  # expected: 45 x 2
    assert "No patron recorded (legacy)" in html


def test_sparse_event_page_loads(staff_client, raw_table):
    seed_events(raw_table)
    html = staff_client.get("/events/sparse/").content.decode()
    assert "No patrons yet" in html and "No payments logged yet" in html


def test_unknown_event_page_is_404_page(staff_client):
    response = staff_client.get("/events/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_api_event_shape_with_legacy_and_totals(staff_client, raw_table):
    seed_events(raw_table)
    response = staff_client.get("/api/events/sunset")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    event = body["event"]
    assert set(event) == {
        *("event_id", "title", "starts_at", "location", "price", "roster", "payments", "totals"),
        *("version", "capacity", "waiver_text", "waiver_url"),
    }
    assert event["price"] == "45.00"
    assert event["totals"] == {"paid": "45.00", "expected": "90.00", "outstanding": "45.00"}
    assert event["payments"][0]["amount"] == "45.00"
    assert event["payments"][0]["legacy"] is True
    assert [p["patron_id"] for p in event["roster"]] == ["p1", "p2"]
    assert "captain" not in event


def test_api_event_sparse_has_null_expected(staff_client, raw_table):
    seed_events(raw_table)
    event = staff_client.get("/api/events/sparse").json()["event"]
    assert event["roster"] == [] and event["payments"] == []
    assert event["price"] is None
    assert event["totals"] == {"paid": "0.00", "expected": None, "outstanding": None}


def test_api_event_unknown_is_404_json(staff_client):
    response = staff_client.get("/api/events/nope")
    assert response.status_code == 404
    assert response.json()["ok"] is False
    assert "nope" in response.json()["error"]


def test_healthz_ok_reports_the_version_and_nothing_else(tables):
    response = Client().get("/healthz")
    assert response.status_code == 200
    # A checkout has no baked version (make package stamps it into the zip).
    assert json.loads(response.content) == {"ok": True, "version": "dev"}


def test_healthz_503_when_dynamodb_unreachable_names_every_table(tables, settings):
    from scc.dynamodb import bind_models
    from tests.dynalite import free_port

    settings.DYNAMODB_HOST = f"http://127.0.0.1:{free_port()}"
    bind_models()
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    counters = f"{settings.OPERATORS_TABLE}-counters"
    assert sorted(body["tables"]) == sorted([settings.EVENTS_TABLE, settings.OPERATORS_TABLE, counters])
    assert settings.EVENTS_TABLE in body["error"] and settings.OPERATORS_TABLE in body["error"]


@pytest.mark.parametrize("missing", ["EVENTS_TABLE", "OPERATORS_TABLE"])
def test_healthz_names_the_one_table_that_fails(tables, settings, missing):
    from scc.dynamodb import bind_models

    setattr(settings, missing, f"absent-{uuid.uuid4().hex[:8]}")
    bind_models()
    response = Client().get("/healthz")
    assert response.status_code == 503
    # The counters table is named after the operators table by default: it goes missing with it.
    expected = [getattr(settings, missing)] + (
        [f"{settings.OPERATORS_TABLE}-counters"] if missing == "OPERATORS_TABLE" else []
    )
    assert sorted(response.json()["tables"]) == sorted(expected)
    assert response.json()["version"] == "dev"


def test_baked_version_is_read_from_the_packaged_file(tmp_path):
    from scc.settings import _baked_version

    version_file = tmp_path / "VERSION"
    assert _baked_version(version_file) == "dev"  # absent: a checkout
    version_file.write_text("0123456789abcdef0123456789abcdef01234567\n")
    assert _baked_version(version_file) == "0123456789abcdef0123456789abcdef01234567"
    version_file.write_text("0123456789ab-dirty\n")
    assert _baked_version(version_file) == "0123456789ab-dirty"
    version_file.write_text("<script>secret=1</script>")
    assert _baked_version(version_file) == "unknown"


def test_event_ids_with_slashes_and_unicode_work_everywhere(staff_client, raw_table):
    for event_id in ["2026/12/05-sunset", "fête #1 ?&"]:
        raw_table.put(event_item(event_id, roster=[patron("p1", "Ada")]))
    html = staff_client.get("/").content.decode()
    link = reverse("event-detail", args=["2026/12/05-sunset"])
    assert link == "/events/~MjAyNi8xMi8wNS1zdW5zZXQ/" and f'href="{link}"' in html
    assert staff_client.get(link).status_code == 200
    assert staff_client.get("/events/2026/12/05-sunset/").status_code == 200  # links from before the encoding
    assert staff_client.get("/api/events/2026/12/05-sunset").json()["event"]["event_id"] == "2026/12/05-sunset"
    assert staff_client.get("/events/f%C3%AAte%20%231%20%3F&/").status_code == 200
    assert staff_client.get("/audit/").status_code == 200
    assert Client().get("/g/2026/12/05-sunset/waiver").status_code == 200
