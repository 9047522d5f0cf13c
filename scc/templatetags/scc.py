from datetime import UTC, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import json_script

from scc import clock, limits, vocabulary

register = template.Library()


@register.filter
def label(code, name):
    """The words for a stored code: `{{ entry.action|label:"audit_action" }}` shows "Payment logged"."""
    return vocabulary.label(name, code)


@register.simple_tag
def vocabulary_json():
    """Every vocabulary's {code: label} for the page's scripts (read by SCC.label in api.js)."""
    labels = {name: vocab.labels() for name, vocab in sorted(vocabulary.VOCABULARIES.items())}
    return json_script(labels, "scc-vocabulary")


@register.simple_tag
def limits_json():
    """The API's limits (scc.limits, as /api/openapi.json states them) for the page's scripts (SCC.limit)."""
    return json_script(limits.as_json(), "scc-limits")


@register.simple_tag
def limit(name):
    """One of the API's limits for a form control: `maxlength="{% limit 'notes_max' %}"`."""
    return limits.as_json()[name]


@register.filter
def usd(value):
    """$1,234.50 for a Decimal; an em dash for None."""
    if value is None or value == "":
        return "—"
    value = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


@register.filter
def event_time(value):
    """An event's start in its own local time (the offset it was written with)."""
    if not isinstance(value, datetime):
        return "Date to be announced"
    return value.strftime("%a, %b %-d, %Y · %-I:%M %p") + " " + zone_name(value)


def zone_name(value):
    """The zone of an aware time in words: the site zone's abbreviation ("PST") when the time's offset
    is the site's at that moment, else the offset ("UTC+01:00"); nothing for a naive time."""
    offset = value.utcoffset()
    if offset is None:
        return ""
    local = timezone.localtime(value)
    if local.utcoffset() == offset:
        return local.strftime("%Z")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@register.filter
def utc_iso_local(value):
    """A stored UTC ISO timestamp shown in the site's time zone."""
    if not value:
        return "—"
    moment = clock.parse(value)
    if moment is None:
        return value
    return timezone.localtime(moment).strftime("%b %-d, %Y %-I:%M %p %Z")


@register.filter
def outstanding(value):
    """A balance still to pay as money; a negative one as "Overpaid $X" (never silent); None as a dash."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    return f"Overpaid {usd(-value)}" if value < 0 else usd(value)


@register.simple_tag
def choices(name):
    """A vocabulary's (code, label) pairs for a select: `{% choices "payment_method" as methods %}`."""
    return vocabulary.VOCABULARIES[name].choices()


@register.filter
def usd_negated(value):
    """-$X for X: what a payment without a patron takes off the event's outstanding."""
    return "—" if value is None else usd(-Decimal(value))


@register.filter
def short_local(value):
    """A stored UTC ISO timestamp as a short local day and time with its zone ("Nov 1, 9:00 AM PST")."""
    return compact_time(value)


@register.filter
def compact_time(value):
    """A stored UTC ISO timestamp, local and short, zone named: "Nov 1, 9:00 AM PST" this year,
    "Nov 1, 2025, 9:00 AM PST" another year. What does not parse is shown as stored."""
    moment = clock.parse(value) if value else None
    if moment is None:
        return value or "—"
    local = timezone.localtime(moment)
    day = "%b %-d" if local.year == timezone.localtime().year else "%b %-d, %Y"
    return local.strftime(f"{day}, %-I:%M %p %Z")


@register.filter
def utc_exact(value):
    """The exact stored moment in UTC, for a tooltip: "2026-11-01 17:00:00 UTC"."""
    moment = clock.parse(value) if value else None
    if moment is None:
        return value or ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@register.filter
def balance_class(value):
    """A class for an outstanding amount: `owing`, `overpaid` or `settled` (nothing for None)."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return "owing" if value > 0 else "overpaid" if value < 0 else "settled"
