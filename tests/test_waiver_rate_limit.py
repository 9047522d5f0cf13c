"""A script cannot flood a roster: waiver signings are rate-limited per client, counted in DynamoDB."""

from django.test import Client

from scc import operators, ratelimit
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


def test_cloudfront_viewer_address_is_the_client(raw_table, settings):
    settings.WAIVER_SIGNINGS_PER_WINDOW = 1
    raw_table.put(event_item("ev-1"))
    # Behind CloudFront every request comes from CloudFront's address; the viewer header tells them apart.
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_CLOUDFRONT_VIEWER_ADDRESS="203.0.113.7:5123")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_CLOUDFRONT_VIEWER_ADDRESS="[2001:db8::1]:443")
    assert first.post(URL, signing(1)).status_code == 302
    assert second.post(URL, signing(2)).status_code == 302
    assert first.post(URL, signing(3)).status_code == 429


def test_a_new_window_starts_the_count_again(tables):
    for _ in range(2):
        assert ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60, now=1000)
    assert not ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60, now=1000)
    assert ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60, now=1060)


def test_counters_do_not_show_as_operators(tables, admin_user):
    assert ratelimit.allow(bucket="t", client="c", limit=2, window_seconds=60)
    # The counter is an item of the operators table, and still no operator.
    assert ratelimit.RateLimitCounter.get("ratelimit#t#c", consistent_read=True).hits == 1
    assert [op.username for op in operators.list_operators()] == [admin_user]
    assert operators.principal_for("ratelimit#t#c") is None
