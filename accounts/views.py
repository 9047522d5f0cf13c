"""Pages: sign in and out, the operator's own account, and the operators list (admins)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import backends, credentials, selectors, services
from accounts.forms import (
    ActionForm,
    AddOperatorForm,
    ChangePasswordForm,
    ChangeRoleForm,
    LoginForm,
    ResetPasswordForm,
)
from accounts.models import Role
from scc.permissions import admin_required, staff_required


def safe_next(request):
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


# Signing in and out -----------------------------------------------------------------------------


def _sign_in(request, *, username, password):
    """Sign in with a session (as django.contrib.auth.login does: new session key, new CSRF token)."""
    previous = request.user if request.user.is_authenticated else None
    signed_in = services.sign_in(username=username, password=password, kind="session")
    if previous is not None:
        services.sign_out(user=previous)
    request.session.cycle_key()
    credentials.store_in_session(request, signed_in.claim)
    rotate_token(request)
    request.user = signed_in.user
    return signed_in.user


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request):
    if request.method == "GET" and request.user.is_authenticated:
        messages.info(request, f"You are already signed in as {request.user.username}.")
        return redirect(safe_next(request))
    form = LoginForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and form.submit(_sign_in, request=request, **form.cleaned_data) is not None:
        return redirect(safe_next(request))
    context = {"form": form, "next": safe_next(request), "max_failures": settings.LOGIN_MAX_FAILURES}
    return render(request, "accounts/login.html", context, status=form.status)


@never_cache
@require_http_methods(["GET", "POST"])
def logout_page(request):
    """GET: a page asking to confirm (a link or a bookmark never signs anyone out); POST: sign out."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "accounts/logout.html")
    if request.user.is_authenticated:
        services.sign_out(user=request.user)
    request.session.flush()
    messages.success(request, "You are signed out.")
    return redirect("login")


# The operator's own account ----------------------------------------------------------------------


def _account_page(request, *, form=None, status=200):
    context = {
        "form": form or ChangePasswordForm(),
        "me": selectors.operator_row(request.user.username),
        "break_glass": backends.is_break_glass(request.user.username),
    }
    return render(request, "accounts/account.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET"])
def account(request):
    return _account_page(request)


@staff_required
@require_POST
def change_password(request):
    form = ChangePasswordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        claim = form.submit(
            services.change_password,
            user=request.user,
            current_password=data["current_password"],
            new_password=data["password"],
        )
        if claim is not None:
            credentials.store_in_session(request, claim)
            messages.success(request, "Your password was changed. Your other sessions and API tokens were signed out.")
            return redirect("account")
    return _account_page(request, form=form, status=form.status)


@staff_required
@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(user=request.user)
    request.session.flush()
    messages.success(request, "You are signed out everywhere: every session and API token of yours has ended.")
    return redirect("login")


# Operators (admins) ---------------------------------------------------------------------------------


def _operators_page(request, *, add_form=None, refusal=None, status=200):
    context = {
        "operators": selectors.list_operators(),
        "add_form": add_form or AddOperatorForm(),
        "refusal": refusal,
        "roles": Role.choices(),
        "max_failures": settings.LOGIN_MAX_FAILURES,
        "lockout_minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
    }
    return render(request, "accounts/operators.html", context, status=status)


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def operators(request):
    """The list, and **Add operator** (its form posts here)."""
    form = AddOperatorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        row = form.submit(
            services.add_operator,
            actor=request.user,
            username=data["username"],
            role=data["role"],
            password=data["password"],
        )
        if row is not None:
            messages.success(request, f"Added {row.username} ({Role.label_for(row.role)}). They can sign in now.")
            return redirect("operators")
    return _operators_page(request, add_form=form, status=form.status)


def _change(request, username, form, done, **change):
    """Apply a row action; on success redirect to the list with `done(result)` as the message."""
    if form.is_valid():
        result = form.submit(services.update_operator, actor=request.user, username=username, **change)
        if result is not None and username == request.user.username and result.changes:
            # One's own role changed: every session of theirs ended, this one too.
            messages.success(request, f"You are {Role.label_for(result.operator.role).lower()} now. Sign in again.")
            return redirect("login")
        if result is not None:
            messages.success(request, done(result))
            return redirect("operators")
        refusal = form.refusal.message
    else:
        refusal = " ".join(message for messages_ in form.errors.values() for message in messages_)
    return _operators_page(request, refusal=refusal, status=form.status)


def _ends_sessions(result):
    return " Their sessions and API tokens were signed out." if result.changes else ""


@admin_required
@require_POST
def operator_role(request, username):
    form = ChangeRoleForm(request.POST)
    role = form.data.get("role")

    def done(result):
        return f"{username} is {Role.label_for(result.operator.role).lower()} now.{_ends_sessions(result)}"

    return _change(request, username, form, done, role=role)


@admin_required
@require_POST
def operator_disable(request, username):
    def done(result):
        return f"Disabled {username}: they cannot sign in.{_ends_sessions(result)}"

    return _change(request, username, ActionForm(request.POST), done, disabled=True)


@admin_required
@require_POST
def operator_enable(request, username):
    def done(result):
        return f"Enabled {username}: they can sign in again."

    return _change(request, username, ActionForm(request.POST), done, disabled=False)


@admin_required
@require_POST
def operator_unlock(request, username):
    def done(result):
        return f"Unlocked {username}: they can sign in again."

    return _change(request, username, ActionForm(request.POST), done, unlock=True)


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def operator_password(request, username):
    """**Reset password**: a page of its own (the new password is typed twice)."""
    operator = selectors.operator_row(username)
    if operator is None:
        raise Http404("No such operator.")
    form = ResetPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = form.submit(
            services.update_operator, actor=request.user, username=username, password=form.cleaned_data["password"]
        )
        if result is not None:
            messages.success(
                request,
                f"Password reset for {username}.{_ends_sessions(result)} Give them the new password; "
                "they can change it on their Account page.",
            )
            return redirect("operators")
    context = {"form": form, "target": operator}
    return render(request, "accounts/operator_password.html", context, status=form.status)
