"""The audit trail for staff: /audit/ (a changelist) and /audit.csv (the same rows, streamed)."""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from payments import selectors
from payments.forms import AuditFilterForm
from scc.permissions import staff_required
from scc.spreadsheet import capped, csv_lines, neutralise, with_bom


def csv_header():
    """The columns; the local time's column names the zone (the site's, as the page shows it)."""
    return [CSV_HEADER[0], f"local_time ({timezone.get_current_timezone_name()})", *CSV_HEADER[1:]]


CSV_HEADER = [
    "time",
    "operator",
    "action",
    "event_id",
    "event_title",
    "patron_id",
    "patron_name",
    "amount",
    "payment_id",
    "detail",
    "legacy",
    "method",
]


def _page_number(request):
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@staff_required
def audit(request):
    form = AuditFilterForm(request.GET)
    page = selectors.audit_page(filters=form.filters(), page=_page_number(request)) if form.is_valid() else None
    filtered = form.is_valid() and any(form.cleaned_data.values())
    # An event id in the filter (a link from an event page) is shown with its title.
    chosen_event = page.events.get(form.cleaned_data["event"].strip()) if page else None
    context = {"form": form, "page": page, "filtered": filtered, "chosen_event": chosen_event}
    # Filters that are not valid are a 400 (the page shows what to fix), as every form's are.
    return render(request, "payments/audit.html", context, status=200 if form.is_valid() else 400)


def csv_record(row):
    """A row as CSV cells. Times and amount are formatted here (ISO 8601 in UTC, the local time as a
    spreadsheet reads it, -45.00), so they are exempt from neutralising: a void's negative amount
    stays a number in a spreadsheet."""
    return [
        row.moment.isoformat() if row.moment else neutralise(row.at),
        timezone.localtime(row.moment).strftime("%Y-%m-%d %H:%M:%S") if row.moment else "",
        neutralise(row.operator),
        neutralise(row.action),
        neutralise(row.event_id),
        neutralise(row.event_title),
        neutralise(row.patron_id),
        neutralise(row.patron_name),
        "" if row.amount is None else format(row.amount, "f"),
        neutralise(row.payment_id),
        neutralise(" ".join(part for part in (row.unreadable_label, row.detail) if part)),
        "yes" if row.legacy else "no",
        neutralise(row.method),
    ]


def _csv_lines(filters):
    return csv_lines(csv_header(), (csv_record(row) for row in selectors.audit_rows(filters=filters)))


def _too_large(rows):
    limit = settings.CSV_MAX_BYTES
    size = f"{limit / 1_000_000:.1f} MB" if limit >= 100_000 else f"{limit:,} bytes"
    return (
        f"only the first {rows:,} rows are here: the export stopped at {size}, the most one download can hold. "
        "Narrow it with the filters (Event, Operator, Action, Patron, Since, Until) and download each part."
    )


@staff_required
def audit_csv(request):
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        return HttpResponse(f"Invalid filters: {errors}\n", status=400, content_type="text/plain; charset=utf-8")
    lines = (line.encode() for line in with_bom(_csv_lines(form.filters())))
    if settings.CSV_MAX_BYTES:
        lines = capped(lines, max_bytes=settings.CSV_MAX_BYTES, why_stopped=_too_large)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="scc-audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
