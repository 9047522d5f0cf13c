from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from scc import authentication, clock
from scc.api import api_view, ok, parse_json_object
from scc.dynamodb import unreachable_tables
from scc.errors import error_response
from scc.exceptions import InvalidInput
from scc.forms import LoginForm


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a local path: redirect() would take a bare word such as "0" for a view name and fail, and
    # "//" or "/\\" alone pass Django's check but are no path (a browser reads both as "//").
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None, require_https=request.is_secure())
    ):
        return target
    return f"{settings.URL_PREFIX}/"


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request):
    form = LoginForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        principal = form.submit(authentication.authenticate, **form.cleaned_data)
        if principal is not None:
            authentication.login(request, principal)
            return redirect(_safe_next(request))
    return render(request, "scc/login.html", {"form": form, "next": _safe_next(request)}, status=form.status)


@require_POST
def logout_page(request):
    authentication.logout(request)
    return redirect("login")


@api_view(methods=["POST"])
def api_login(request):
    data = parse_json_object(request)
    username, password = data.get("username"), data.get("password")
    fields = {}
    for name, value in (("username", username), ("password", password)):
        if not isinstance(value, str) or not value:
            fields[name] = ["This field is required and must be a string."]
        elif len(value) > 256:
            fields[name] = ["At most 256 characters."]
    if fields:
        raise InvalidInput("Send a username and a password.", fields=fields)
    principal = authentication.authenticate(username=username, password=password)
    token, expires_at = authentication.make_token(principal)
    return ok(token=token, role=principal.role, expires_at=clock.iso(expires_at))


@never_cache
def healthz(request):
    # `version` is the commit baked in at packaging: the smoke check compares it with the one just deployed.
    failing = unreachable_tables()
    if failing:
        return error_response(
            503, f"DynamoDB table unreachable: {', '.join(failing)}.", tables=failing, version=settings.VERSION
        )
    return ok(version=settings.VERSION)
