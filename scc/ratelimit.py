"""Fixed-window rate limits counted in DynamoDB, so they hold across Lambda instances.

Counters live in the operators table (our own) under keys `ratelimit#<bucket>#<client>`,
one item per client, overwritten each window.
"""

import time

from django.conf import settings
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model

from scc.dynamodb import is_condition_failure

KEY_PREFIX = "ratelimit#"


class RateLimitCounter(Model):
    settings_table = "OPERATORS_TABLE"

    class Meta:
        table_name = "scc-operators"

    username = UnicodeAttribute(hash_key=True)  # the operators table's key
    # Counts, not money: NumberAttribute round-trips ints exactly (floats never enter).
    window = NumberAttribute(null=True)
    hits = NumberAttribute(null=True)


def client_address(request):
    """The viewer's IP: CloudFront's viewer header when present (clients cannot set it), else the peer."""
    viewer = request.headers.get("CloudFront-Viewer-Address", "")
    if viewer:
        return viewer.rsplit(":", 1)[0].strip("[]")
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(*, bucket, client, limit, window_seconds, now=None):
    """Count one hit; False when `client` already used `limit` hits in this window."""
    window = int((now or time.time()) // window_seconds)
    counter = RateLimitCounter(f"{KEY_PREFIX}{bucket}#{client}")
    # Count in the current window; else start a new one. A concurrent request may start
    # the window between our two tries, so count once more before saying no.
    return _count(counter, window, limit) or _start_window(counter, window) or _count(counter, window, limit)


def _conditional_update(counter, actions, condition):
    try:
        counter.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
        return False
    return True


def _count(counter, window, limit):
    condition = (RateLimitCounter.window == window) & (RateLimitCounter.hits < limit)
    return _conditional_update(counter, [RateLimitCounter.hits.add(1)], condition)


def _start_window(counter, window):
    condition = RateLimitCounter.window.does_not_exist() | (RateLimitCounter.window < window)
    return _conditional_update(counter, [RateLimitCounter.window.set(window), RateLimitCounter.hits.set(1)], condition)


def waiver_signing_allowed(request):
    return allow(
        bucket="waiver",
        client=client_address(request),
        limit=settings.WAIVER_SIGNINGS_PER_WINDOW,
        window_seconds=settings.WAIVER_RATE_WINDOW_SECONDS,
    )
