from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from events import ledger, selectors, services
from events.errors import EventNotFound, StaleEvent
from events.forms import EventCreateForm, EventEditForm
from events.serializers import event_json
from scc.api import api_view, ok, parse_json_object
from scc.exceptions import InvalidInput
from scc.operators import Role
from scc.permissions import admin_required, staff_required

DISPATCH_PAGE_SIZE = 25
SEARCH_MAX = 200


@staff_required
def dispatch(request):
    """The dispatch changelist: `show` (a Show; Upcoming by default), `q` (search), `page` (25 a page)."""
    show = request.GET.get("show", "")
    show = selectors.Show(show) if selectors.Show.has(show) else selectors.Show.UPCOMING
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    events = selectors.dispatch_list(show=show, query=query)
    page = Paginator(events, DISPATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cards": [_card(event) for event in page.object_list],
        "page": page,
        "show": show,
        "shows": selectors.Show.choices(),
        "query": query,
    }
    return render(request, "events/dispatch.html", context)


def _card(event):
    return {
        "event": event,
        "starts_at": ledger.starts_at(event),
        "roster_size": event.roster_size,
        "totals": event.totals,
    }


@staff_required
def event_detail(request, event_id):
    event = selectors.get_event(event_id=event_id)
    if event is None:
        raise Http404("No such event.")
    reckoning = ledger.reckon_event(event)
    voided = ledger.voided_payment_ids(event)
    patrons = {p.patron_id: p for p in ledger.roster(event)}
    ledger_rows = [
        {"record": record, "patron": patrons.get(record.patron_id), "voided": record.payment_id in voided}
        for record in ledger.payments(event)
    ]
    context = {
        "event": event,
        "starts_at": ledger.starts_at(event),
        "roster": ledger.roster(event),
        "ledger_rows": ledger_rows,
        "balances": reckoning.balances,
        "totals": reckoning.totals,
        "audit": list(reversed(event.audit or [])),
    }
    return render(request, "events/event_detail.html", context)


@api_view(methods=["GET", "PATCH"], role={"GET": Role.STAFF, "PATCH": Role.ADMIN})
def api_event(request, event_id):
    if request.method == "PATCH":
        return _api_event_patch(request, event_id)
    event = selectors.get_event(event_id=event_id)
    if event is None:
        raise EventNotFound(event_id)
    return ok(event=event_json(event))


# Creating and editing events (the back office) ------------------------------------------------


# A waiver text of 20,000 characters, each up to 6 bytes as a JSON escape, and the other fields.
EVENT_BODY_MAX_BYTES = 128 * 1024


def _json_form(form_class, request, **kwargs):
    """The request's JSON body on an event form, valid, or InvalidInput with each field's messages."""
    form = form_class.from_json(parse_json_object(request, max_bytes=EVENT_BODY_MAX_BYTES), **kwargs)
    if not form.is_valid():
        raise InvalidInput("Some fields are not valid.", fields=form.api_errors())
    return form


@api_view(methods=["POST"], role=Role.ADMIN)
def api_events(request):
    form = _json_form(EventCreateForm, request)
    event = services.create_event(
        operator=request.operator, event_id=form.cleaned_data["event_id"], **form.event_values()
    )
    return ok(status=201, event=event_json(event))


def _api_event_patch(request, event_id):
    form = _json_form(EventEditForm, request, partial=True)
    event = services.update_event(
        operator=request.operator, event_id=event_id, version=form.cleaned_data["version"], **form.event_values()
    )
    return ok(event=event_json(event))


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request):
    form = EventCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        event = form.submit(services.create_event, operator=request.operator, **form.event_values())
        if event is not None:
            messages.success(request, f"Event “{event.title}” created. Its waiver link is ready to share.")
            return redirect("event-detail", event.event_id)
    return render(request, "events/event_form.html", {"form": form, "event": None}, status=form.status)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, event_id):
    """Admins edit; staff see the same form read-only, as Django's admin shows a view-only change form."""
    if request.method == "POST" and not request.operator.is_admin:
        raise PermissionDenied("Changing an event needs the admin role.")
    event = selectors.get_event(event_id=event_id, attributes=services.EDIT_ATTRIBUTES)
    if event is None:
        raise Http404("No such event.")
    if request.method != "POST":
        form = EventEditForm(initial=EventEditForm.initial_for(event))
        if not request.operator.is_admin:
            for field in form.fields.values():
                field.disabled = True
    else:
        form = EventEditForm(request.POST)
        if form.is_valid():
            updated = form.submit(
                services.update_event,
                operator=request.operator,
                event_id=event.event_id,
                version=form.cleaned_data["version"],
                **form.event_values(),
            )
            if updated is not None:
                _report_saved(request, before=event, after=updated)
                return redirect("event-detail", event.event_id)
            if isinstance(form.refusal, StaleEvent):
                form.show_stored(form.refusal.current)
    context = {"form": form, "event": event}
    return render(request, "events/event_form.html", context, status=form.status)


def _report_saved(request, *, before, after):
    if after.version_number == before.version_number:
        messages.info(request, "Nothing to save: the event already had these values.")
    else:
        name = after.title or after.event_id
        messages.success(request, f"Saved changes to “{name}”. The event's Activity lists what changed.")
