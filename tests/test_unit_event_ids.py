"""Event ids in URLs (events.urls.EventIdConverter): any id reaches its own page, and ids the app
makes keep the URLs they always had (printed waiver QR codes stay valid)."""

from django.urls import resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from events.urls import EventIdConverter

NAMES = ["event-detail", "event-edit", "roster-csv", "api-event", "waiver"]
ids = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60)


@settings(max_examples=300, derandomize=True)
@given(ids)
def test_every_id_round_trips_through_every_event_url(event_id):
    for name in NAMES:
        url = reverse(name, args=[event_id])
        assert resolve(url).kwargs["event_id"] == event_id, (name, url)


@settings(max_examples=300, derandomize=True)
@given(ids)
def test_an_encoded_id_is_one_segment_a_browser_leaves_alone(event_id):
    segment = EventIdConverter().to_url(event_id)
    assert segment not in (".", "..") and "/" not in segment and "%" not in segment
    assert segment.isascii() and segment == segment.strip() and not set(segment) & set("?#\\")


def test_ids_the_app_makes_keep_their_plain_urls():
    assert reverse("event-detail", args=["2026-12-05-sunset-sail-k3f9"]) == "/events/2026-12-05-sunset-sail-k3f9/"
    assert reverse("waiver", args=["ev_1"]) == "/g/ev_1/waiver"


def test_unsafe_ids_are_encoded_and_older_raw_links_still_resolve():
    assert reverse("event-detail", args=["a/../b"]) == "/events/~YS8uLi9i/"
    assert reverse("event-detail", args=["new"]) == "/events/~bmV3/"  # not the create page
    assert resolve("/events/a/b/").kwargs["event_id"] == "a/b"  # a link from before the encoding
    assert resolve("/events/~abc/").kwargs["event_id"] == "~abc"  # not something to_url makes: a raw id
