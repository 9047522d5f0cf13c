from django.urls import path

from events import views, waiver_views

# event_id is any DynamoDB string key other software may have written, "/" included.
urlpatterns = [
    path("", views.dispatch, name="dispatch"),
    # Before event-detail, whose <path:event_id> would take "new" and "<id>/edit" as ids.
    path("events/new/", views.event_new, name="event-new"),
    path("events/<path:event_id>/edit/", views.event_edit, name="event-edit"),
    path("api/events", views.api_events, name="api-events"),
    path("events/<path:event_id>/roster.csv", views.roster_csv, name="roster-csv"),
    path("events/<path:event_id>/", views.event_detail, name="event-detail"),
    path("api/events/<path:event_id>", views.api_event, name="api-event"),
    path("g/<path:event_id>/waiver", waiver_views.waiver, name="waiver"),
    path("api/roster-add", views.api_roster_add, name="api-roster-add"),
    path("api/roster-update", views.api_roster_update, name="api-roster-update"),
    path("api/roster-cancel", views.api_roster_cancel, name="api-roster-cancel"),
    path("api/roster-checkin", views.api_roster_checkin, name="api-roster-checkin"),
]
