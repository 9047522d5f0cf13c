"""The origin check: only CloudFront may call the app.

The Lambda Function URL is public. CloudFront adds a secret header to every request it sends the
Lambda origins (`cloudfront_routes` sets it from SCC_ORIGIN_SECRET); with SCC_ORIGIN_SECRET set the
app refuses every request without it, before any other work. Only such verified requests may use
CloudFront's viewer headers (`CloudFront-Viewer-Address`): anyone can send them to the Function URL.
"""

from django.conf import settings
from django.http import HttpResponseForbidden
from django.utils.crypto import constant_time_compare

from scc.errors import error_response

HEADER = "X-SCC-Origin-Verify"


def accepted_secrets():
    """The accepted values: SCC_ORIGIN_SECRET, comma-separated during a rotation (the first is current)."""
    return [value.strip() for value in settings.ORIGIN_SECRET.split(",") if value.strip()]


def is_verified(request):
    """Whether the request carries a current origin secret (False when none is configured)."""
    sent = request.headers.get(HEADER, "")
    # Compare with every value, not stopping at a match: the time spent does not tell which matched.
    return bool(sent) and sum(constant_time_compare(sent, value) for value in accepted_secrets()) > 0


class OriginCheckMiddleware:
    """First in the chain: with SCC_ORIGIN_SECRET set, a request without the header gets 403 and nothing runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if accepted_secrets() and not is_verified(request):
            return refused(request)
        return self.get_response(request)


def refused(request):
    # No template, session or database: this answers whoever finds the Function URL.
    if request.path.startswith(f"{settings.URL_PREFIX}/api/"):
        return error_response(403, "Forbidden: requests must come through the site's address.")
    return HttpResponseForbidden(
        "Forbidden: requests must come through the site's address.\n", content_type="text/plain"
    )


def client_address(request):
    """The viewer's IP: CloudFront's viewer header on a verified request, else the peer address."""
    viewer = request.headers.get("CloudFront-Viewer-Address", "")
    if viewer and is_verified(request):
        return viewer.rsplit(":", 1)[0].strip("[]")
    return request.META.get("REMOTE_ADDR", "unknown")
