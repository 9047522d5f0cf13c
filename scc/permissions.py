"""Role checks for HTML pages. The JSON API has its own in scc.api.api_view.

Both read `request.user` (set by the sign-in app's middleware): `is_authenticated`, and
`has_role(role)` with a stored role code, which decides what each role may do.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url


def role_required(role):
    """Page decorator: anonymous users go to the login page; a staff user on an admin page gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
            if not user.has_role(role):
                raise PermissionDenied(f"This page needs the {role} role.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required("staff")
admin_required = role_required("admin")
