"""Where an error becomes a response: domain errors as the JSON error shape or a form's message,
and our own error pages (API paths get the JSON shape instead).

The JSON error shape: {"ok": false, "error": "<sentence>", "fields"?: {field: [messages]}, ...}.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from scc import exceptions

# Each kind of domain error and the status it answers with (the most specific kind wins).
STATUS = {
    exceptions.InvalidInput: 400,
    exceptions.NotAuthenticated: 401,
    exceptions.NotFound: 404,
    exceptions.Conflict: 409,
    exceptions.RequestTooLarge: 413,
    exceptions.Throttled: 429,
    exceptions.DeliveryFailed: 502,
    exceptions.RecordFull: 507,
}


def status_for(error):
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def error_response(status, error, *, fields=None, **data):
    body = {"ok": False, "error": error, **data}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def refusal_response(error):
    """A domain error as the API's JSON error answer."""
    return error_response(status_for(error), error.message, fields=error.fields, **error.data)


def refuse_form(form, error):
    """Show a domain error on the form it answers; the page's status.

    The message goes above the form, field messages beside the fields the form has. A page
    answers a refusal with a 4xx: the 5xx kinds (a full record, a mail server) are the user's
    request refused, not the site failing, so a page counts them as conflicts.
    """
    form.add_error(None, error.message)
    for name, messages in (error.fields or {}).items():
        if name in form.fields:
            form.add_error(name, messages)
    status = status_for(error)
    return status if status < 500 else 409


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
