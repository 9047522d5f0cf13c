import base64
import binascii
import re

from django.urls import path, register_converter

from events import views, waiver_views


class EventIdConverter:
    """An event id in a URL path. Ids are any DynamoDB string other software chose ("/", "..", "?",
    "%", newlines, trailing spaces...), and browsers and Django rewrite some paths before they
    reach the app ("a/../b" becomes "b", even as %2e%2e). So a link carries an id as it is only when
    that is safe: ASCII letters, digits, "_", "-" and "." not first (never a dot segment), and not
    a word the URLs use ("new"). Any other id is "~" and its UTF-8 in unpadded base64url, which
    has none of those characters. Reading takes both, and a raw id with "/" from an older link."""

    regex = ".+"
    SAFE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")
    RESERVED = frozenset({"new"})
    MARK = "~"

    def to_url(self, value):
        if self.SAFE.fullmatch(value) and value not in self.RESERVED:
            return value
        return self.MARK + base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")

    ENCODED = re.compile(r"[A-Za-z0-9_-]+")

    def to_python(self, value):
        encoded = value[len(self.MARK) :]
        if value.startswith(self.MARK) and self.ENCODED.fullmatch(encoded):
            try:
                decoded = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return value
            if self.to_url(decoded) == value:  # only what to_url makes: anything else is a raw id
                return decoded
        return value


register_converter(EventIdConverter, "event_id")

urlpatterns = [
    path("", views.dispatch, name="dispatch"),
    # Before event-detail, whose <event_id:event_id> would take "new" and "<id>/edit" as ids.
    path("events/new/", views.event_new, name="event-new"),
    path("events/<event_id:event_id>/edit/", views.event_edit, name="event-edit"),
    path("api/events", views.api_events, name="api-events"),
    path("events/<event_id:event_id>/roster.csv", views.roster_csv, name="roster-csv"),
    path("events/<event_id:event_id>/", views.event_detail, name="event-detail"),
    path("api/events/<event_id:event_id>", views.api_event, name="api-event"),
    path("g/<event_id:event_id>/waiver", waiver_views.waiver, name="waiver"),
    path("api/roster-add", views.api_roster_add, name="api-roster-add"),
    path("api/roster-update", views.api_roster_update, name="api-roster-update"),
    path("api/roster-cancel", views.api_roster_cancel, name="api-roster-cancel"),
    path("api/roster-checkin", views.api_roster_checkin, name="api-roster-checkin"),
]
