"""The public waiver page: patrons read the waiver and sign onto an event's roster. No sign-in."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import ratelimit
from events import ledger, selectors, services
from events.errors import EventIsPast, EventNotFound, TooManySignUps
from events.forms import WaiverForm
from scc.origin import client_address


def _signing_allowed(request):
    # Per client: a family at the dock signs a few; a script cannot flood a roster.
    return ratelimit.allow(
        bucket="waiver",
        client=client_address(request),
        limit=settings.WAIVER_SIGNINGS_PER_WINDOW,
        window_seconds=settings.WAIVER_RATE_WINDOW_SECONDS,
    )


# Events this browser signed for, in its (signed cookie) session: {event_id: name}. A few at most.
SIGNED_SESSION_KEY = "waiver_signed"
SIGNED_REMEMBERED = 5


def _remember_signed(request, event_id, name):
    signed = {key: value for key, value in request.session.get(SIGNED_SESSION_KEY, {}).items() if key != event_id}
    signed[event_id] = name
    request.session[SIGNED_SESSION_KEY] = dict(list(signed.items())[-SIGNED_REMEMBERED:])


def _signed_here(request, event_id):
    """The name this browser signed with for the event, or None when it did not sign here."""
    signed = request.session.get(SIGNED_SESSION_KEY)
    return signed.get(event_id) if isinstance(signed, dict) else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def waiver(request, event_id):
    event = selectors.public_event(event_id=event_id)
    if event is None:
        return render(request, "events/waiver_not_found.html", status=404)
    context = {"event": event, "starts_at": ledger.starts_at(event), "is_past": ledger.is_past(event)}
    if context["is_past"]:
        return render(request, "events/waiver.html", context, status=409 if request.method == "POST" else 200)
    if request.method != "POST":
        # "Signed" only for the browser that signed: the URL alone (shared with a group) proves nothing.
        context["signed_name"] = _signed_here(request, event.event_id) if request.GET.get("signed") == "1" else None
        context["signed"] = context["signed_name"] is not None
        return render(request, "events/waiver.html", {**context, "form": WaiverForm()})

    form = WaiverForm(request.POST)
    if not _signing_allowed(request):
        form.is_valid()  # keep what was typed on the re-shown form
        form.refuse(TooManySignUps())
    elif form.is_valid():
        data = form.cleaned_data
        patron = form.submit(
            services.sign_waiver,
            event_id=event.event_id,
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
        )
        if patron is not None:
            messages.success(request, f"Thank you, {patron.name}: you are signed up for {event.title or 'this event'}.")
            _remember_signed(request, event.event_id, patron.name)
            # Post/Redirect/Get: a reload shows the thank-you, it does not sign again.
            return redirect(reverse("waiver", args=[event.event_id]) + "?signed=1")
    # Refusals that replace the form: the event went away, or started, while the patron typed.
    if isinstance(form.refusal, EventNotFound):
        return render(request, "events/waiver_not_found.html", status=404)
    if isinstance(form.refusal, EventIsPast):
        return render(request, "events/waiver.html", {**context, "is_past": True}, status=409)
    return render(request, "events/waiver.html", {**context, "form": form}, status=form.status)
