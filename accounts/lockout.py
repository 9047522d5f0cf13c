"""Sign-in lockout: at most LOGIN_MAX_FAILURES passwords checked per name, then a 15-minute lock.

Each attempt reserves its place atomically *before* its password is checked (accounts.counters), so
however many attempts arrive at once, at most that many are ever checked; a right password clears
the count. Unknown names are counted exactly like real ones, in the counters table, so the answers
and the work never tell whether a name exists. The lock lasts LOGIN_LOCKOUT_SECONDS from the last
counted attempt; attempts refused while locked do not extend it.

The count cannot tell a failure from an attempt still being checked, so when sign-ins of one name
arrive together (a script opening several sessions), the attempts past the limit wait for those in
flight (a right password clears the count) instead of being refused at once: see reserve_after_wait.
"""

import time

from django.conf import settings

from accounts import counters

POLL_SECONDS = 0.1


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


def may_be_in_flight(counter):
    """Whether a refusal given this counter (as read before reserving) may be due to attempts still
    being checked: the limit was not reached when read, or was reached only moments ago."""
    seconds = settings.LOGIN_IN_FLIGHT_SECONDS
    return locked_until(counter) is None or counters.hit_within(counter, seconds)


def reserve_after_wait(username):
    """After a refusal that may be due to attempts in flight: watch the count (consistent reads, no
    writes) for up to LOGIN_IN_FLIGHT_SECONDS; reserve once it is under the limit again (a right
    password cleared it), or give up, as soon as the limit stands on hits older than that."""
    seconds = settings.LOGIN_IN_FLIGHT_SECONDS
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        counter = counters.read(counter_key(username))
        if locked_until(counter) is None:
            attempts = reserve(username, known=counter)
            if attempts is not None:
                return attempts
        elif not counters.hit_within(counter, seconds):
            return None
    return None


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
