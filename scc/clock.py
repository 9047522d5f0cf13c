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


def parse(value):
    """A stored timestamp as an aware UTC datetime, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def epoch(moment):
    """Whole seconds since 1970 (DynamoDB's TTL format)."""
    return int(moment.timestamp())
