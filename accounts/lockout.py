"""Sign-in lockout: at most LOGIN_MAX_FAILURES passwords checked per name, then a 15-minute lock.

Each attempt reserves its place atomically *before* its password is checked (accounts.counters), so
however many attempts arrive at once, at most that many are ever checked; a right password clears
the count. Unknown names are counted exactly like real ones, in the counters table, so the answers
and the work never tell whether a name exists. The lock lasts LOGIN_LOCKOUT_SECONDS from the last
counted attempt; attempts refused while locked do not extend it.
"""

from django.conf import settings

from accounts import counters


def counter_key(username):
    return f"login#{username}"


def reserve(username, *, known=counters.NOT_READ):
    """Take one attempt for `username`: how many this makes, or None when the name is locked."""
    return counters.take(
        counter_key(username),
        limit=settings.LOGIN_MAX_FAILURES,
        seconds=settings.LOGIN_LOCKOUT_SECONDS,
        extend=True,
        known=known,
    )


def is_last_attempt(attempts):
    return attempts == settings.LOGIN_MAX_FAILURES - 1


def locked_until(counter):
    """When the lock recorded in `counter` (as read) ends, or None if the name is not locked now."""
    counter = counters.live(counter)
    if counter is None or (counter.hits or 0) < settings.LOGIN_MAX_FAILURES:
        return None
    return counter.expires_at


def clear(username):
    counters.clear(counter_key(username))
