from django.http import Http404
from django.shortcuts import render

from events import forms, ledger, selectors, services
from events.errors import EventNotFound
from events.serializers import event_json, patron_json
from scc.api import api_view, ok, validated
from scc.operators import Role
from scc.permissions import staff_required


@staff_required
def dispatch(request):
    upcoming, past = selectors.dispatch_events()
    context = {
        "upcoming": [_card(event) for event in upcoming],
        "past": [_card(event) for event in past],
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


@api_view(methods=["GET"], role=Role.STAFF)
def api_event(request, event_id):
    event = selectors.get_event(event_id=event_id)
    if event is None:
        raise EventNotFound(event_id)
    return ok(event=event_json(event))


# The roster API (admins). ------------------------------------------------------------------------


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_add(request):
    data = validated(forms.RosterAddForm, request)
    patron = services.add_patron(operator=request.operator, **data)
    return ok(status=201, patron=patron_json(patron))


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_update(request):
    data = validated(forms.RosterUpdateForm, request)
    patron = services.update_patron(operator=request.operator, **data)
    return ok(patron=patron_json(patron))


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_cancel(request):
    data = validated(forms.RosterCancelForm, request)
    patron = services.cancel_booking(operator=request.operator, **data)
    return ok(patron=patron_json(patron))


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_checkin(request):
    data = validated(forms.RosterCheckinForm, request)
    patron = services.set_checked_in(operator=request.operator, **data)
    return ok(patron=patron_json(patron))
