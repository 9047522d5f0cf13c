from django.conf import settings


def url_prefix(request):
    return {"url_prefix": settings.URL_PREFIX}


def csrf_cookie_name(request):
    """The scripts read the CSRF token from this cookie: it stays right after signing in again in
    another tab (signing in rotates the token; a token copied into the page would be stale)."""
    return {"csrf_cookie_name": settings.CSRF_COOKIE_NAME}
