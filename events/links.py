"""Absolute links the app hands out (to patrons, in JSON, on printed QR codes).

Built from settings.PUBLIC_URL (SCC_PUBLIC_URL, the viewer-facing origin), never from the
request's Host: behind CloudFront the Host is the Lambda Function URL's, which patrons must not
be sent to. reverse() already carries SCC_URL_PREFIX (staging's /_staging).
"""

from django.conf import settings
from django.urls import reverse


def absolute(path):
    """PUBLIC_URL + path, or None when SCC_PUBLIC_URL is not set."""
    return f"{settings.PUBLIC_URL}{path}" if settings.PUBLIC_URL else None


def waiver_path(event_id):
    return reverse("waiver", args=[event_id])


def waiver_url(event_id):
    """The public waiver page of an event as an absolute URL, or None without SCC_PUBLIC_URL."""
    return absolute(waiver_path(event_id))
