"""The event form pages through Django's test client: /events/new/ and /events/<id>/edit/.

Admins create and edit; staff see an event's settings read-only, without buttons, and any
write of theirs is a 403 that changes nothing.
"""

import re

import pytest

from scc.dynamodb import raw_client
from tests.factories import event_item, patron

FORM = {
    "title": "Sunset Sail",
    "starts_at": "2026-12-05T17:30",
    "location": "Pier 66",
    "price": "45.00",
    "capacity": "20",
    "waiver_text": "",
}


def every_item(tables):
    return raw_client().scan(TableName=tables.EVENTS_TABLE, ConsistentRead=True)["Items"]


def test_the_new_event_form_has_the_labelled_fields(admin_client):
    html = admin_client.get("/events/new/").content.decode()
    for label in ["Title", "Starts at", "Location", "Price (USD)", "Capacity", "Waiver text"]:
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}</label>', html), label
    assert 'type="datetime-local"' in html and "Local time (America/Los_Angeles)." in html
    assert '<button type="submit" class="button primary">Save event</button>' in html
    assert 'name="version"' not in html and 'name="event_id"' not in html


def test_creating_through_the_form_lands_on_the_new_event_with_a_message(admin_client, raw_table, tables):
    response = admin_client.post("/events/new/", FORM)
    assert response.status_code == 302
    (item,) = every_item(tables)
    event_id = item["event_id"]["S"]
    assert response["Location"] == f"/events/{event_id}/"
    assert item["starts_at"] == {"S": "2026-12-05T17:30:00-08:00"} and "waiver_text" not in item
    page = admin_client.get(response["Location"])
    html = page.content.decode()
    assert "Event “Sunset Sail” created." in html
    assert 'data-field="capacity">0 of 20<' in html and 'data-field="price">$45.00<' in html
    assert f'href="/events/{event_id}/edit/">Edit event</a>' in html
    assert "Event created" in html  # the event's Activity


def test_a_bad_form_is_shown_again_with_messages_and_nothing_is_written(admin_client, tables):
    response = admin_client.post("/events/new/", {**FORM, "title": " ", "price": "-3", "capacity": "900"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the 3 fields marked below." in html
    assert "Enter a title." in html and "Enter a number from 1 to 500." in html and "Enter an amount" in html
    assert 'value="2026-12-05T17:30"' in html  # what was typed stays
    assert every_item(tables) == []


def test_staff_cannot_create(staff_client, tables):
    assert staff_client.get("/events/new/").status_code == 403
    assert staff_client.post("/events/new/", FORM).status_code == 403
    assert every_item(tables) == []


@pytest.fixture
def event(raw_table):
    raw_table.put(
        event_item(
            "ev-1",
            starts_at={"S": "2026-12-05T09:30:00-08:00"},
            capacity={"N": "20"},
            version={"N": "2"},
            roster=[patron("p1", "Ada Lovelace")],
            captain={"S": "Capt. Alvarez"},
        )
    )
    return raw_table.get("ev-1")


def test_the_edit_form_shows_the_stored_values_and_the_version_read(admin_client, event):
    html = admin_client.get("/events/ev-1/edit/").content.decode()
    assert 'name="title" value="Charter ev-1"' in html and 'value="2026-12-05T09:30"' in html
    assert 'name="price" value="45.00"' in html and 'name="capacity" value="20"' in html
    assert '<input type="hidden" name="version" value="2"' in html


def test_editing_saves_only_what_changed_and_keeps_everything_else(admin_client, raw_table, event):
    form = {**FORM, "title": "Charter ev-1", "starts_at": "2026-12-05T09:30", "price": "50", "version": "2"}
    response = admin_client.post("/events/ev-1/edit/", form)
    assert response.status_code == 302 and response["Location"] == "/events/ev-1/"
    after = raw_table.get("ev-1")
    assert after["price"] == {"N": "50"} and after["version"] == {"N": "3"}
    assert after["captain"] == event["captain"] and after["roster"] == event["roster"]
    html = admin_client.get("/events/ev-1/").content.decode()
    assert "Saved changes to “Charter ev-1”." in html
    assert "Event updated" in html and "Price: $45.00 → $50.00" in html


def test_saving_unchanged_values_writes_nothing(admin_client, raw_table, event):
    form = {**FORM, "title": "Charter ev-1", "starts_at": "2026-12-05T09:30", "price": "45", "version": "2"}
    response = admin_client.post("/events/ev-1/edit/", form)
    assert response.status_code == 302 and raw_table.get("ev-1") == event
    assert "Nothing to save" in admin_client.get("/events/ev-1/").content.decode()


def test_a_stale_save_keeps_what_was_typed_and_shows_what_is_saved_now(admin_client, raw_table, event):
    # Someone else saved first: version 2 -> 3, price 45 -> 60.
    raw_client().update_item(
        TableName=raw_table.name,
        Key={"event_id": {"S": "ev-1"}},
        UpdateExpression="SET price = :p, version = :v",
        ExpressionAttributeValues={":p": {"N": "60"}, ":v": {"N": "3"}},
    )
    before = raw_table.get("ev-1")
    form = {**FORM, "title": "Charter ev-1", "starts_at": "2026-12-05T09:30", "price": "50", "version": "2"}
    response = admin_client.post("/events/ev-1/edit/", form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved changes to this event after you opened it" in html
    assert 'name="price" value="50"' in html  # what this admin typed
    assert '<span class="badge warn">Saved now</span> $60.00' in html  # what is stored
    assert '<input type="hidden" name="version" value="3"' in html  # saving again is now a choice
    assert raw_table.get("ev-1") == before
    # Saving again, knowing both, goes through.
    again = admin_client.post("/events/ev-1/edit/", {**form, "version": "3"})
    assert again.status_code == 302 and raw_table.get("ev-1")["price"] == {"N": "50"}


def test_lowering_capacity_below_the_roster_is_refused_on_the_form(admin_client, raw_table, event):
    raw_table.put({**event, "roster": {"L": [patron(f"p{n}", f"Patron {n}") for n in range(3)]}})
    form = {**FORM, "title": "Charter ev-1", "starts_at": "2026-12-05T09:30", "capacity": "2", "version": "2"}
    response = admin_client.post("/events/ev-1/edit/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This event has 3 active bookings, so its capacity cannot be lower than 3." in html
    assert "At least 3 (the active bookings)." in html


def test_staff_see_the_settings_read_only_and_cannot_save(staff_client, raw_table, event):
    response = staff_client.get("/events/ev-1/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read only: only admins can change an event." in html
    assert "Save event" not in html and 'name="title" value="Charter ev-1"' in html
    assert len(re.findall(r'<(?:input (?!type="hidden")|textarea)[^>]*\bdisabled\b', html)) == 6
    form = {**FORM, "version": "2"}
    assert staff_client.post("/events/ev-1/edit/", form).status_code == 403
    assert raw_table.get("ev-1") == event
    assert "Edit event" not in staff_client.get("/events/ev-1/").content.decode()


def test_editing_an_unknown_event_is_a_404_page(admin_client, tables):
    assert admin_client.get("/events/nope/edit/").status_code == 404
    assert admin_client.post("/events/nope/edit/", {**FORM, "version": "0"}).status_code == 404
