from django.urls import path

from events import views, waiver_views

# event_id is any DynamoDB string key other software may have written, "/" included.
urlpatterns = [
    path("", views.dispatch, name="dispatch"),
    path("events/<path:event_id>/", views.event_detail, name="event-detail"),
    path("api/events/<path:event_id>", views.api_event, name="api-event"),
    path("g/<path:event_id>/waiver", waiver_views.waiver, name="waiver"),
]
