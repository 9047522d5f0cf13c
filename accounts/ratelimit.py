"""Rate limits per client, counted in the counters table (they hold across Lambda instances)."""

from accounts import counters


def allow(*, bucket, client, limit, window_seconds, now=None):
    """Count one hit; False when `client` already used `limit` hits in the window that its first
    hit started (the window ends `window_seconds` after that hit; its counter then expires)."""
    key = f"rate#{bucket}#{client}"
    return counters.take(key, limit=limit, seconds=window_seconds, now=now) is not None
