from datetime import UTC, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from events import forms, ledger, selectors, services
from events.errors import EventNotFound, StaleEvent
from events.models import PaymentMethod, RecordKind
from events.qr import qr_svg
from events.serializers import event_json, patron_json
from scc import clock, limits
from scc.api import api_view, ok, parse_json_object, validated
from scc.exceptions import InvalidInput
from scc.permissions import admin_required, staff_required
from scc.spreadsheet import csv_lines, neutralise, with_bom
from scc.vocabulary import AuditAction

DISPATCH_PAGE_SIZE = 25
_UNDATED = datetime.min.replace(tzinfo=UTC)
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
    sort = request.GET.get("sort", "")
    rows = sorted_roster(roster_rows(event, reckoning), sort)
    waiver_link = selectors.waiver_url(event.event_id)
    context = {
        "event": event,
        "unreadable_fields": {where for where, _ in event.unreadable},
        "starts_at": ledger.starts_at(event),
        "roster": ledger.roster(event),
        "roster_rows": rows,
        "roster_counts": roster_counts(rows),
        "sort": sort if sort.lstrip("-") in ROSTER_SORTS else "",
        "sort_links": sort_links(sort),
        "off_roster": [row for row in reckoning.balances if not row.on_roster],
        "ledger_rows": ledger_rows(event),
        "totals": reckoning.totals,
        "audit": activity_rows(event),
        "waiver_url": waiver_link,
        "waiver_path": reverse("waiver", args=[event.event_id]),
        "waiver_qr": qr_svg(waiver_link, title=f"QR code of the waiver link for {event.title or event.event_id}")
        if waiver_link
        else None,
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


# The roster API (admins). ------------------------------------------------------------------------


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_add(request):
    data = validated(forms.RosterAddForm, request)
    patron = services.add_patron(operator=request.user, **data)
    return ok(status=201, patron=patron_json(patron))


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_update(request):
    data = validated(forms.RosterUpdateForm, request)
    patron = services.update_patron(operator=request.user, **data)
    return ok(patron=patron_json(patron))


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_cancel(request):
    data = validated(forms.RosterCancelForm, request)
    patron = services.cancel_booking(operator=request.user, **data)
    return ok(patron=patron_json(patron))


@api_view(methods=["POST"], role=Role.ADMIN)
def api_roster_checkin(request):
    data = validated(forms.RosterCheckinForm, request)
    patron = services.set_checked_in(operator=request.user, **data)
    return ok(patron=patron_json(patron))


# The event page's roster and ledger rows. --------------------------------------------------------


def roster_rows(event, reckoning):
    """(patron, balance) per roster patron, in roster order; balance None for an entry that cannot be read."""
    return [
        (patron, reckoning.by_patron.get(patron.patron_id) if patron.readable else None)
        for patron in ledger.roster(event)
    ]


def _text_key(value):
    return (value or "").casefold()


def _money_key(value):
    return ledger.ZERO if value is None else value


# ?sort= on the event page: column -> key of a (patron, balance) row. "-name" sorts descending.
ROSTER_SORTS = {
    "name": lambda row: _text_key(row[0].name),
    "paid": lambda row: _money_key(row[1] and row[1].net),
    "outstanding": lambda row: _money_key(row[1] and row[1].outstanding),
    "waiver": lambda row: row[0].waiver_signed_at or "",
    "checked_in": lambda row: row[0].checked_in_at or "",
}


def sorted_roster(rows, sort):
    """Rows sorted by a ROSTER_SORTS column (roster order when none); cancelled bookings, then entries
    that cannot be read, always last."""
    key = ROSTER_SORTS.get(sort.lstrip("-"))
    if key is not None:
        rows = sorted(rows, key=key, reverse=sort.startswith("-"))
    # stable: keeps the order within each group
    return sorted(rows, key=lambda row: (row[1] is None, bool(row[0].cancelled_at)))


def sort_links(sort):
    """{column: (query for its header link, aria-sort value)}: a second click reverses the order."""
    links = {}
    for column in ROSTER_SORTS:
        if sort == column:
            links[column] = (f"?sort=-{column}#roster", "ascending")
        elif sort == f"-{column}":
            links[column] = (f"?sort={column}#roster", "descending")
        else:
            links[column] = (f"?sort={column}#roster", None)
    return links


def roster_counts(rows):
    """Counts of the rows that can be read (an unreadable entry is counted apart)."""
    readable = [patron for patron, balance in rows if balance is not None]
    active = [patron for patron in readable if not patron.cancelled_at]
    return {
        "booked": len(active),
        "cancelled": len(readable) - len(active),
        "unreadable": len(rows) - len(readable),
        "checked_in": sum(1 for patron in active if patron.checked_in_at),
        "waivers": sum(1 for patron in active if patron.waiver_signed_at),
    }


def ledger_rows(event):
    """Each ledger record with its patron, whether it was voided, what is left of it to refund and
    its confirmation email's state; newest first, as Activity is."""
    records = ledger.payments(event)
    voided = ledger.voided_payment_ids(event)
    patrons = {p.patron_id: p for p in ledger.roster(event) if p.patron_id}
    emails = last_email_outcomes(event)
    rows = []
    for record in records:
        actionable = record.readable and not ledger.doubtful(records, record.payment_id)
        is_payment = actionable and (
            (bool(record.payment_id) and record.kind in (None, RecordKind.PAYMENT)) or record.is_legacy
        )
        left = ledger.left_of(records, record.payment_id) if is_payment and record.payment_id else None
        rows.append(
            {
                "record": record,
                "patron": patrons.get(record.patron_id) if record.patron_id else None,
                "voided": record.payment_id in voided,
                "left": left,
                "refunded": None if left is None or record.payment_id in voided else record.amount_money - left,
                "email": email_state(record, emails.get(record.payment_id)) if is_payment else None,
                "unreadable": not record.counts,
            }
        )
    # Stable: records with the same (or no) time keep their ledger order, newest appended last.
    rows.reverse()
    rows.sort(key=lambda row: clock.parse(row["record"].timestamp) or _UNDATED, reverse=True)
    return rows


def last_email_outcomes(event):
    """{payment_id: the last email.sent or email.failed audit entry about it}."""
    outcomes = {}
    for entry in event.audit or []:
        if entry.payment_id and entry.action in (AuditAction.EMAIL_SENT, AuditAction.EMAIL_FAILED):
            outcomes[entry.payment_id] = entry
    return outcomes


def email_state(record, last_entry):
    """What the Email cell says of a payment: ("sent" | "failed" | "not_sent", at). The record's own
    flag is the truth for "sent"; a failure is read from the audit (the record is left as it was)."""
    if record.email_sent:
        return ("sent", record.email_sent_at)
    if last_entry is not None and last_entry.action == AuditAction.EMAIL_FAILED:
        return ("failed", last_entry.at)
    return ("not_sent", None)


# Audit codes that move money: only their Activity rows show an amount.
MONEY_ACTIONS = (AuditAction.PAYMENT_LOGGED, AuditAction.PAYMENT_VOIDED, AuditAction.PAYMENT_REFUNDED)


def activity_rows(event):
    """The event's audit entries plus one row per legacy ledger record (the old system logged none),
    newest first: {at, operator, action, amount, detail, legacy, unreadable, where}."""
    rows = [
        {
            "at": entry.at,
            "operator": entry.operator,
            "action": entry.action,
            "amount": entry.amount if entry.action in MONEY_ACTIONS else None,
            "detail": entry.detail,
            "legacy": False,
            "unreadable": not entry.is_map,
            "where": entry.where,
        }
        for entry in event.audit or []
    ]
    rows.reverse()
    rows += [
        {
            "at": record.timestamp or "",
            "operator": record.operator or "",
            "action": AuditAction.PAYMENT_LOGGED,
            "amount": record.amount_money,
            "detail": record.notes,
            "legacy": True,
            "unreadable": False,
        }
        for record in reversed(ledger.payments(event))
        if record.is_legacy
    ]
    rows.sort(key=lambda row: clock.parse(row["at"]) or _UNDATED, reverse=True)
    return rows


# The roster CSV. --------------------------------------------------------------------------------

ROSTER_CSV_HEADER = [
    "name",
    "email",
    "phone",
    "waiver_signed",
    "checked_in",
    "cancelled",
    "cancel_reason",
    "paid",
    "outstanding",
    "methods",
    "patron_id",
]


def _methods_by_patron(event):
    """{patron_id: "card, cash"}: the methods of each patron's payments, in the order first used."""
    methods = {}
    for record in ledger.payments(event):
        if record.method and record.kind in (None, RecordKind.PAYMENT):
            seen = methods.setdefault(record.patron_id, [])
            if record.method not in seen:
                seen.append(record.method)
    return {pid: ", ".join(PaymentMethod.label_for(m) for m in found) for pid, found in methods.items()}


def _money_cell(value):
    return "" if value is None else format(value, "f")


def roster_csv_records(event):
    """One CSV record per roster patron: times in UTC ISO 8601, money as plain decimals, text neutralised."""
    reckoning = ledger.reckon_event(event)
    methods = _methods_by_patron(event)
    for patron, balance in roster_rows(event, reckoning):
        if balance is None:
            yield (
                [neutralise(f"Unreadable record ({patron.where} of event {event.event_id})")]
                + [""] * 9
                + [neutralise(patron.patron_id)]
            )
            continue
        yield [
            neutralise(patron.name),
            neutralise(patron.email),
            neutralise(patron.phone),
            neutralise(patron.waiver_signed_at),
            neutralise(patron.checked_in_at),
            neutralise(patron.cancelled_at),
            neutralise(patron.cancel_reason),
            _money_cell(balance.net),
            _money_cell(balance.outstanding),
            neutralise(methods.get(patron.patron_id, "")),
            neutralise(patron.patron_id),
        ]


def _safe_filename(event_id):
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in event_id)[:80] or "event"


@staff_required
def roster_csv(request, event_id):
    event = selectors.get_event(event_id=event_id)
    if event is None:
        raise Http404("No such event.")
    lines = (line.encode() for line in with_bom(csv_lines(ROSTER_CSV_HEADER, roster_csv_records(event))))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scc-roster-{_safe_filename(event.event_id)}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# Creating and editing events (the back office) ------------------------------------------------


# A waiver text of 20,000 characters, each up to 6 bytes as a JSON escape, and the other fields.
EVENT_BODY_MAX_BYTES = limits.EVENT_BODY_MAX_BYTES


def _json_form(form_class, request, **kwargs):
    """The request's JSON body on an event form, valid, or InvalidInput with each field's messages."""
    form = form_class.from_json(parse_json_object(request, max_bytes=EVENT_BODY_MAX_BYTES), **kwargs)
    if not form.is_valid():
        raise InvalidInput("Some fields are not valid.", fields=form.api_errors())
    return form


@api_view(methods=["POST"], role=Role.ADMIN)
def api_events(request):
    form = _json_form(forms.EventCreateForm, request)
    event = services.create_event(operator=request.user, event_id=form.cleaned_data["event_id"], **form.event_values())
    return ok(status=201, event=event_json(event))


def _api_event_patch(request, event_id):
    form = _json_form(forms.EventEditForm, request, partial=True)
    event = services.update_event(
        operator=request.user, event_id=event_id, version=form.cleaned_data["version"], **form.event_values()
    )
    return ok(event=event_json(event))


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request):
    form = forms.EventCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        event = form.submit(services.create_event, operator=request.user, **form.event_values())
        if event is not None:
            messages.success(request, f"Event “{event.title}” created. Its waiver link is ready to share.")
            return redirect("event-detail", event.event_id)
    return render(request, "events/event_form.html", {"form": form, "event": None}, status=form.status)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, event_id):
    """Admins edit; staff see the same form read-only, as Django's admin shows a view-only change form."""
    if request.method == "POST" and not request.user.is_admin:
        raise PermissionDenied("Changing an event needs the admin role.")
    event = selectors.get_event(event_id=event_id, attributes=services.EDIT_ATTRIBUTES)
    if event is None:
        raise Http404("No such event.")
    if request.method != "POST":
        form = forms.EventEditForm(initial=forms.EventEditForm.initial_for(event))
        if not request.user.is_admin:
            for field in form.fields.values():
                field.disabled = True
    else:
        form = forms.EventEditForm(request.POST)
        if form.is_valid():
            updated = form.submit(
                services.update_event,
                operator=request.user,
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
