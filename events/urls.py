from django.urls import path

from events import views, waiver_views

urlpatterns = [
    path("", views.dispatch, name="dispatch"),
    path("events/<str:event_id>/", views.event_detail, name="event-detail"),
    path("api/events/<str:event_id>", views.api_event, name="api-event"),
    path("g/<str:event_id>/waiver", waiver_views.waiver, name="waiver"),
]
