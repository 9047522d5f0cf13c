"""The JSON API: its success shape {"ok": true, ...}, request bodies, and the api_view wrapper.

Errors use scc.errors' shape {"ok": false, "error": ..., "fields"?: ...}: raise a domain error
(scc.exceptions) from a view or service and api_view answers with it.
"""

import json
from decimal import Decimal
from functools import wraps

from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from scc import limits
from scc.errors import error_response, refusal_response
from scc.exceptions import DomainError, InvalidInput, RequestTooLarge


def ok(status=200, **data):
    return JsonResponse({"ok": True, **data}, status=status)


MAX_BODY_BYTES = limits.BODY_MAX_BYTES


def parse_json_object(request, *, max_bytes=MAX_BODY_BYTES):
    """The request body as a dict, or raise InvalidInput (bad JSON) or RequestTooLarge.

    Numbers parse as Decimal, never float; NaN and Infinity are refused, and so are lone
    surrogates (legal as JSON escapes like "\\ud800", but not UTF-8: they cannot be stored or shown).
    """
    length = request.META.get("CONTENT_LENGTH") or "0"
    if (length.isdigit() and int(length) > max_bytes) or len(request.body) > max_bytes:
        raise RequestTooLarge(f"Request body is larger than {max_bytes // 1024} KB.")
    try:
        data = json.loads(request.body or b"", parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput("Request body must be a JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidInput("Request body must be a JSON object.")
    try:
        _check_text(data)
    except (UnicodeEncodeError, RecursionError):
        raise InvalidInput("Request body must be valid UTF-8 text.") from None
    return data


def validated(form_class, request):
    """The request's JSON body cleaned by a scc.forms.JsonForm, or InvalidInput with its field messages.

    Once per request and form: a view's `prefetch` (api_view) and the view itself share the work.
    """
    memo = request.__dict__.setdefault("_scc_validated", {})
    if form_class not in memo:
        try:
            memo[form_class] = _clean(form_class, request)
        except DomainError as error:
            memo[form_class] = error
    outcome = memo[form_class]
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def _clean(form_class, request):
    form = form_class.from_json(parse_json_object(request))
    if not form.is_valid():
        raise InvalidInput("Some fields are not valid.", fields=form.api_errors())
    return form.cleaned_data


def _check_text(value):
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for key, item in value.items():
            key.encode("utf-8")
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed")


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request):
    """Django's CSRF rules for session-authenticated API calls; None when they pass."""
    check = _CsrfCheck(lambda req: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def _prefetch(prefetch, request):
    if prefetch is None:
        return None
    try:
        return prefetch(request)
    except DomainError:
        return None  # answered by the view, after authentication: 401 and 403 come first


def api_view(*, methods, role=None, prefetch=None):
    """Wrap a JSON view: method check, authentication, role, CSRF for sessions; domain errors as JSON.

    role: None (anyone) or a role code ("staff", "admin"); or {method: role} when one URL reads for
    staff and writes for admins. `request.user.has_role(role)` decides (an admin may do what staff
    may). A Bearer-token request needs no CSRF token.
    prefetch: a callable(request) run before `request.user` is first used, so that it can read the
    operator together with what the view needs (one round trip instead of two); what it returns is
    `request.prefetched` (None without one). A domain error it raises (a body that does not validate)
    makes it None: the view meets the error again (`validated` remembers it) after the checks.
    """

    if isinstance(role, dict) and set(role) != set(methods):
        raise ValueError("api_view: give a role for each method, no more, no less")

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error_response(405, f"Method {request.method} is not allowed here.")
                response["Allow"] = ", ".join(methods)
                return response
            needed = role.get(request.method) if isinstance(role, dict) else role
            try:
                request.prefetched = _prefetch(prefetch, request) if needed is not None else None
                if needed is not None:
                    user = request.user
                    if not user.is_authenticated:
                        return error_response(401, "Authentication required: sign in or send a Bearer token.")
                    if not user.has_role(needed):
                        return error_response(403, f"This action needs the {needed} role.")
                    if not user.uses_token and request.method not in ("GET", "HEAD", "OPTIONS"):
                        reason = _csrf_failure(request)
                        if reason:
                            return error_response(403, f"CSRF check failed: {reason}")
                return view(request, *args, **kwargs)
            except DomainError as error:
                return refusal_response(error)

        wrapper.api_methods = tuple(methods)  # read by the test that the API document covers every JSON URL
        return wrapper

    return decorator
