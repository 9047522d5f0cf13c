"""Counts that expire by themselves, counted atomically in DynamoDB (they hold across Lambda instances).

`take` is the one operation: count one hit against a limit and answer the count, or None when the
limit is reached. Each step is one conditional UpdateItem, so concurrent callers never both get the
same count and never pass the limit together. An item whose `expires_at` has passed is absent to
every reader and writer here, whether or not DynamoDB's TTL has deleted it yet.
"""

from datetime import timedelta

from accounts.models import Counter
from scc import clock
from scc.dynamodb import update_if

NOT_READ = object()


def live(counter, *, now=None):
    """The counter if it exists and has not expired, else None."""
    if counter is None or counter.expires_at is None or counter.expires_at <= (now or clock.now()):
        return None
    return counter


def take(key, *, limit, seconds, extend=False, known=NOT_READ, now=None):
    """Count one hit on `key`; the count including it, or None when `limit` hits were already taken.

    A first hit (or the first after expiry) starts a new count that lives `seconds`; with `extend`,
    every counted hit pushes the expiry to `seconds` from now (a lockout lasts from the last failure).
    `known`: the counter as just read (or None), which picks the write that usually succeeds first;
    without it the count is tried first, then a fresh start, then the count again (a concurrent start).
    """
    now = now or clock.now()
    expires = now + timedelta(seconds=seconds)
    if known is NOT_READ:
        steps = (_count, _start, _count)
    elif live(known, now=now) is None:
        steps = (_start, _count)
    else:
        steps = (_count,)
    counter = Counter(key)
    for step in steps:
        hits = step(counter, now=now, expires=expires, limit=limit, extend=extend)
        if hits is not None:
            return hits
    return None


def _conditional(counter, actions, condition):
    return int(counter.hits) if update_if(counter, actions=actions, condition=condition) else None


def _count(counter, *, now, expires, limit, extend):
    actions = [Counter.hits.add(1), Counter.last_hit.set(_millis(now))]
    if extend:
        actions.append(Counter.expires_at.set(expires))
    return _conditional(counter, actions, (Counter.hits < limit) & (Counter.expires_at > now))


def _start(counter, *, now, expires, limit, extend):
    if limit < 1:
        return None
    condition = Counter.key.does_not_exist() | Counter.expires_at.does_not_exist() | (Counter.expires_at <= now)
    actions = [Counter.hits.set(1), Counter.last_hit.set(_millis(now)), Counter.expires_at.set(expires)]
    return _conditional(counter, actions, condition)


def _millis(moment):
    return int(moment.timestamp() * 1000)


def read(key):
    """The counter as stored now (consistent GetItem), or None; expired counters included (see live)."""
    try:
        return Counter.get(key, consistent_read=True)
    except Counter.DoesNotExist:
        return None


def hit_within(counter, seconds, *, now=None):
    """Whether the counter's last counted hit is less than `seconds` old."""
    if counter is None or counter.last_hit is None:
        return False
    return _millis(now or clock.now()) - int(counter.last_hit) < seconds * 1000


def clear(key):
    Counter(key).delete()
