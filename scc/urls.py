from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from scc import views

app_patterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/openapi.json", views.openapi_json, name="api-openapi"),
    path("", include("accounts.urls")),
    path("", include("payments.urls")),
    path("", include("events.urls")),
]

if settings.URL_PREFIX:
    # Staging lives under a prefix of the same CloudFront distribution.
    prefix = settings.URL_PREFIX.strip("/")
    urlpatterns = [
        path(f"{prefix}/", include(app_patterns)),
        path(prefix, RedirectView.as_view(url=f"/{prefix}/", permanent=False)),
    ]
else:
    urlpatterns = app_patterns

handler404 = "scc.errors.page_not_found"
handler403 = "scc.errors.permission_denied"
handler500 = "scc.errors.server_error"
