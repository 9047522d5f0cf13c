"""Role checks for HTML pages. The JSON API has its own in scc.api.api_view."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url

from scc.authentication import get_principal
from scc.operators import Role


def role_required(role):
    """Page decorator: anonymous users go to the login page; a staff user on an admin page gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            principal = get_principal(request)
            if principal is None:
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
            if role == Role.ADMIN and not principal.is_admin:
                raise PermissionDenied("This page needs the admin role.")
            request.operator = principal
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(Role.STAFF)
admin_required = role_required(Role.ADMIN)
