"""A script cannot flood a roster: waiver signings are rate-limited per client, counted in DynamoDB."""

from datetime import timedelta

from django.test import Client

from accounts import ratelimit, selectors
from accounts.models import Counter
from scc import clock
from tests.factories import event_item

URL = "/g/ev-1/waiver"


def signing(n):
    return {"full_name": f"Patron {n}", "email": f"patron{n}@example.com", "agree": "on"}


def test_signings_over_the_limit_get_429_and_write_nothing(raw_table, settings):
    settings.WAIVER_SIGNINGS_PER_WINDOW = 3
    raw_table.put(event_item("ev-1"))
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        assert client.post(URL, signing(n)).status_code == 302
    before = raw_table.get("ev-1")
    response = client.post(URL, signing(99))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-ups" in html and "Patron 99" in html  # values kept
    assert raw_table.get("ev-1") == before
    # Another client is not affected.
    assert Client(REMOTE_ADDR="198.51.100.1").post(URL, signing(5)).status_code == 302


def test_cloudfront_viewer_address_is_the_client_on_verified_requests(raw_table, settings):
    settings.WAIVER_SIGNINGS_PER_WINDOW = 1
    settings.ORIGIN_SECRET = "from-cloudfront"
    raw_table.put(event_item("ev-1"))
    via_cloudfront = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_SCC_ORIGIN_VERIFY": "from-cloudfront"}
    # Behind CloudFront every request comes from CloudFront's address; the viewer header tells them apart.
    first = Client(**via_cloudfront, HTTP_CLOUDFRONT_VIEWER_ADDRESS="203.0.113.7:5123")
    second = Client(**via_cloudfront, HTTP_CLOUDFRONT_VIEWER_ADDRESS="[2001:db8::1]:443")
    assert first.post(URL, signing(1)).status_code == 302
    assert second.post(URL, signing(2)).status_code == 302
    assert first.post(URL, signing(3)).status_code == 429


def test_a_made_up_viewer_address_gets_past_no_limit(raw_table, settings):
    settings.WAIVER_SIGNINGS_PER_WINDOW = 1
    raw_table.put(event_item("ev-1"))
    # Without the origin secret (a direct call, or no CloudFront at all) the viewer header is anyone's to
    # invent: each request claims a new address, and all of them count against the real peer.
    answers = [
        Client(REMOTE_ADDR="198.51.100.9", HTTP_CLOUDFRONT_VIEWER_ADDRESS=f"203.0.113.{n}:1").post(URL, signing(n))
        for n in range(3)
    ]
    assert [a.status_code for a in answers] == [302, 429, 429]


def test_a_window_ends_when_its_counter_expires(tables):
    start = clock.now()
    for _ in range(2):
        assert ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60, now=start)
    assert not ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60, now=start + timedelta(seconds=59))
    # The counter is still stored (TTL deletes it eventually) but has expired: a new window starts.
    later = start + timedelta(seconds=61)
    assert Counter.get("rate#t#c", consistent_read=True).hits == 2
    assert ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60, now=later)
    assert Counter.get("rate#t#c", consistent_read=True).hits == 1


def test_counters_live_apart_from_operators_and_expire(tables, admin_user):
    assert ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60)
    counter = Counter.get("rate#t#c", consistent_read=True)
    assert counter.hits == 1 and 59 <= (counter.expires_at - clock.now()).total_seconds() <= 60
    assert Counter.Meta.table_name == f"{tables.OPERATORS_TABLE}-counters"
    assert [op.username for op in selectors.list_operators()] == [admin_user]
    assert selectors.get_operator("rate#t#c") is None
