"""The one clock, and the one format the app stores times in.

Stored: UTC ISO 8601 with milliseconds, `2026-11-27T05:00:00.123+00:00` (sorts as text, and
tells apart writes within a second). Readers take every ISO 8601 form older data has: seconds
or microseconds, `Z`, or no offset at all (read as UTC, as the old system wrote UTC).
"""

from datetime import UTC, datetime

from django.utils import timezone


def now():
    """Aware UTC now."""
    return timezone.now()


def iso(moment):
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def now_iso():
    return iso(now())


# Years a stored time may have: a day either side stays a datetime, so converting it to any
# time zone cannot overflow (years 1 and 9999 would).
FIRST_YEAR, LAST_YEAR = 2, 9998


def parse(value):
    """A stored timestamp as an aware UTC datetime, or None when it is not one."""
    moment = parse_iso(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_iso(value):
    """ISO 8601 text as a datetime (naive when it has no offset), or None when it is not one, or
    is outside FIRST_YEAR..LAST_YEAR. Never raises, whatever `value` is."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None


def epoch(moment):
    """Whole seconds since 1970 (DynamoDB's TTL format)."""
    return int(moment.timestamp())
