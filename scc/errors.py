"""Our own error pages; API paths get the JSON error shape instead."""

from django.conf import settings
from django.shortcuts import render

from scc.api import error_response


def _is_api(request):
    return request.path.startswith(f"{settings.URL_PREFIX}/api/")


def page_context(request):
    """Patrons on public pages see the public header, never the staff one."""
    public = request.path.startswith(f"{settings.URL_PREFIX}/g/")
    return {"public": public, "base_template": "events/public_base.html" if public else "base.html"}


def page_not_found(request, exception=None):
    if _is_api(request):
        return error_response(404, "Not found.")
    return render(request, "errors/404.html", page_context(request), status=404)


def permission_denied(request, exception=None):
    if _is_api(request):
        return error_response(403, "Forbidden.")
    return render(request, "errors/403.html", page_context(request), status=403)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return error_response(403, f"CSRF check failed: {reason}")
    return render(request, "errors/403_csrf.html", page_context(request), status=403)


def server_error(request):
    if _is_api(request):
        return error_response(500, "Something went wrong on our side; try again.")
    return render(request, "errors/500.html", status=500)
