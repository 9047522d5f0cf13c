from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from scc import authentication
from scc.api import ApiError, api_view, error_response, ok, parse_json_object
from scc.dynamodb import unreachable_tables
from scc.forms import LoginForm


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a local path: redirect() would take a bare word such as "0" for a view name and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    ):
        return target
    return f"{settings.URL_PREFIX}/"


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request):
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            principal = authentication.authenticate(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except authentication.AccountLocked as exc:
            form.add_error(None, exc.message)
            status = 429
        except authentication.InvalidCredentials as exc:
            form.add_error(None, exc.message)
            status = 401
        else:
            authentication.login(request, principal)
            return redirect(_safe_next(request))
    elif request.method == "POST":
        status = 400
    return render(request, "scc/login.html", {"form": form, "next": _safe_next(request)}, status=status)


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
        raise ApiError(400, "Send a username and a password.", fields=fields)
    try:
        principal = authentication.authenticate(username=username, password=password)
    except authentication.AccountLocked as exc:
        raise ApiError(429, exc.message) from None
    except authentication.InvalidCredentials as exc:
        raise ApiError(401, exc.message) from None
    token, expires_at = authentication.make_token(principal)
    return ok(token=token, role=principal.role, expires_at=expires_at.isoformat())


@never_cache
def healthz(request):
    # `version` is the commit baked in at packaging: the smoke check compares it with the one just deployed.
    failing = unreachable_tables()
    if failing:
        return error_response(
            503, f"DynamoDB table unreachable: {', '.join(failing)}.", tables=failing, version=settings.VERSION
        )
    return ok(version=settings.VERSION)
