"""JSON API: tokens (sign in and out) and operators (admins). Thin: parse, authorize (api_view), call, answer."""

from accounts import credentials, selectors, services
from accounts.models import Role
from accounts.serializers import operator_json
from scc import clock, limits
from scc.api import api_view, ok, parse_json_object
from scc.exceptions import InvalidInput


def _typed(data, types, *, required=()):
    """Field messages for values of the wrong JSON type, missing required ones, and unknown keys."""
    fields = {}
    for name in required:
        if data.get(name) in (None, ""):
            fields[name] = ["This field is required."]
    for name, value in data.items():
        if name not in types:
            fields[name] = [f"Unknown field; send only {', '.join(types)}."]
        elif value is not None and not isinstance(value, types[name]) and name not in fields:
            fields[name] = ["Must be true or false." if types[name] is bool else "Must be a string."]
    return fields


@api_view(methods=["POST"])
def api_login(request):
    data = parse_json_object(request)
    fields = {}
    for name in ("username", "password"):
        value = data.get(name)
        if not isinstance(value, str) or not value:
            fields[name] = ["This field is required and must be a string."]
        elif len(value) > limits.PASSWORD_MAX:
            fields[name] = [f"At most {limits.PASSWORD_MAX} characters."]
    if fields:
        raise InvalidInput("Send a username and a password.", fields=fields)
    signed_in = services.sign_in(username=data["username"], password=data["password"], kind="token")
    token = credentials.make_token(signed_in.claim)
    return ok(token=token, role=signed_in.user.role, expires_at=clock.iso(signed_in.expires_at))


@api_view(methods=["POST"], role=Role.STAFF)
def api_logout(request):
    """End the token (or session) this request came with: no copy of it works anywhere after."""
    services.sign_out(user=request.user)
    if not request.user.uses_token:
        request.session.flush()
    return ok()


@api_view(methods=["GET", "POST"], role=Role.ADMIN)
def api_operators(request):
    if request.method == "GET":
        return ok(operators=[operator_json(row) for row in selectors.list_operators()])
    data = parse_json_object(request)
    fields = _typed(data, {"username": str, "role": str, "password": str}, required=("username", "role", "password"))
    if fields:
        raise InvalidInput("Send a username, a role and a password.", fields=fields)
    row = services.add_operator(
        actor=request.user, username=data["username"], role=data["role"], password=data["password"]
    )
    return ok(status=201, operator=operator_json(row))


@api_view(methods=["PATCH"], role=Role.ADMIN)
def api_operator(request, username):
    data = parse_json_object(request)
    fields = _typed(data, {"role": str, "disabled": bool, "password": str, "unlock": bool})
    if fields:
        raise InvalidInput("Some fields are not valid.", fields=fields)
    change = {name: data[name] for name in ("role", "disabled", "password", "unlock") if data.get(name) is not None}
    if not change:
        raise InvalidInput("Send at least one of role, disabled, password, unlock.")
    result = services.update_operator(actor=request.user, username=username, **change)
    return ok(operator=operator_json(result.operator))
