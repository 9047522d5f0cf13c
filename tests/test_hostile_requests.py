"""Hostile requests at every URL in the URLconf: query strings, form encodings, headers, methods and
path segments (tests/test_hostile_input.py covers the JSON bodies field by field).

Hypothesis builds each request from the URLconf itself (every pattern, its converters filled with
a real event id or a hostile segment), sends it as an admin (session, CSRF not enforced, so the
view itself answers), with a Bearer token or anonymously, and checks: never a 5xx; on a 4xx the
events and operators tables are byte-identical (a failed sign-in may only move its own counters);
GET and HEAD never write. The short profile runs in `make test`; `make soak` runs the long one
(SCC_REQUESTS_EXAMPLES).
"""

import os
import re
from collections import Counter
from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scc.dynamodb import raw_client
from tests.conftest import signed_in_client, token_for
from tests.factories import event_item, patron, payment_record

EXAMPLES = int(os.environ.get("SCC_REQUESTS_EXAMPLES", "250"))
PID = "1f0c2d5e-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
FIGURES = Counter()


def routes(resolver=None, prefix=""):
    """(name, route) of every URL pattern, routes joined across includes."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield pattern.name, route


ROUTES = sorted(routes())
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "..",
            ".",
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "-1",
            "0",
            "99999999999999999999999",
            "1e400",
            "NaN",
            "٤٥",
            "４５",
            "a@x.com, b@y.com",
            "\u202e",
            "\u200b",
            "\x00",
            "<script>",
            "=HYPERLINK()",
            "../../etc/passwd",
            "%00",
            "x" * 5000,
            "ev-1",
            PID,
        ]
    ),
)
raw_bytes = st.binary(max_size=40)
encoded = st.one_of(
    hostile_text.map(lambda s: quote(s.encode("utf-8", "surrogatepass"), safe="")), raw_bytes.map(quote_from_bytes)
)
query_keys = (
    st.sampled_from(
        [
            "until",
            "since",
            "event",
            "operator",
            "action",
            "patron",
            "page",
            "q",
            "show",
            "sort",
            "next",
            "signed",
            "view",
        ]
    )
    | encoded
)
query_strings = (
    st.lists(st.tuples(query_keys, encoded), max_size=6).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
    | encoded
)
segments = st.one_of(
    st.just("ev-1"), st.just("nope"), encoded, st.sampled_from(["~", "~!!", "~ZXYtMQ", "%2e%2e", "a%2Fb"])
)

latin1 = st.text(st.characters(max_codepoint=255, exclude_categories=["Cs"]), max_size=60)
HEADERS = [
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_COOKIE",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_ORIGIN",
    "HTTP_REFERER",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_X_CSRFTOKEN",
    "HTTP_AUTHORIZATION",
    "HTTP_USER_AGENT",
    "REMOTE_ADDR",
]
# A Content-Length that is not a number (one larger than the body only stalls a real server; Django's
# test client asserts instead, and Zappa sets it from the body).
malformed_lengths = st.sampled_from(["-1", "1e9", "A", " 5", "٣", "0x10", ""])
headers = st.builds(
    lambda named, length: {**named, **({"CONTENT_LENGTH": length} if length is not None else {})},
    st.dictionaries(st.sampled_from(HEADERS), latin1 | st.sampled_from(["Bearer ", "Bearer x.y.z", "-1"]), max_size=4),
    st.none() | st.none() | malformed_lengths,
)

CHARSETS = ["utf-8", "utf-16", "utf-32", "latin-1", "shift_jis", "cp1252", "bogus", "", "utf-8; charset=utf-16"]
content_types = st.one_of(
    st.sampled_from(["", "", "", "application/x-www-form-urlencoded", "multipart/form-data; boundary=BOUNDARY"]),
    st.sampled_from(CHARSETS).map(lambda c: f"application/x-www-form-urlencoded; charset={c}"),
    st.sampled_from(CHARSETS).map(lambda c: f"multipart/form-data; boundary=BOUNDARY; charset={c}"),
    st.sampled_from(["multipart/form-data", "application/json; charset=utf-16", "text/plain", "application/json"]),
)
form_fields = st.sampled_from(
    ["full_name", "email", "phone", "agree", "title", "starts_at", "price", "capacity", "username", "password", "next"]
)


def form_body(charset, pairs):
    text = "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in pairs)
    try:
        return text.encode(charset) if charset not in ("bogus", "") else text.encode()
    except (LookupError, UnicodeError):
        return text.encode()


def multipart_body(pairs, charset):
    parts = []
    for key, value in pairs:
        parts.append(
            b'--BOUNDARY\r\nContent-Disposition: form-data; name="'
            + key.encode()
            + b'"\r\nContent-Type: text/plain; charset='
            + charset.encode("ascii", "replace")
            + b"\r\n\r\n"
            + value.encode("utf-8", "surrogatepass")
            + b"\r\n"
        )
    return b"".join(parts) + b"--BOUNDARY--\r\n"


@st.composite
def requests(draw):
    name, route = draw(st.sampled_from(ROUTES))
    path = "/" + CONVERTER.sub(lambda _m: draw(segments), route)
    method = draw(st.sampled_from(["GET", "GET", "HEAD", "POST", "POST", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"]))
    query = draw(query_strings)
    content_type = draw(content_types)
    pairs = draw(st.lists(st.tuples(form_fields, hostile_text), max_size=6))
    charset = content_type.rsplit("charset=", 1)[-1] if "charset=" in content_type else "utf-8"
    if not content_type:
        content_type = "application/x-www-form-urlencoded" if method == "POST" else ""
    body = b""
    if method in ("POST", "PATCH", "PUT"):
        body = draw(
            st.one_of(
                st.just(
                    multipart_body(pairs, charset)
                    if content_type.startswith("multipart")
                    else form_body(charset, pairs)
                ),
                raw_bytes,
            )
        )
    return {
        "name": name,
        "method": method,
        "path": path + ("?" + query if query else ""),
        "body": body,
        "content_type": content_type,
        "headers": draw(headers),
        "caller": draw(st.sampled_from(["admin", "admin", "bearer", "anonymous"])),
    }


def seed(raw_table):
    raw_table.put(
        event_item(
            "ev-1",
            roster=[patron("p1", "Ada", "ada@example.com")],
            payments=[payment_record(PID, "p1")],
            payment_ids={"SS": [PID]},
            other_software={"M": {"keep": {"S": "me"}}},
        )
    )


def snapshot(tables):
    client = raw_client()
    events = client.scan(TableName=tables.EVENTS_TABLE, ConsistentRead=True)["Items"]
    operators = client.scan(TableName=tables.OPERATORS_TABLE, ConsistentRead=True)["Items"]
    # A refused sign-in may count itself (lockout, rate limit): those items and fields are its own.
    ours = [
        {k: v for k, v in item.items() if k not in ("failed_logins", "locked_until", "count", "window", "expires_at")}
        for item in operators
        if not item.get("username", {}).get("S", "").startswith("ratelimit#")
    ]
    return sorted(map(repr, events)), sorted(map(repr, ours))


@pytest.fixture
def setup(admin_user, raw_table, tables):
    seed(raw_table)
    return {
        "admin": signed_in_client(admin_user),
        "bearer": Client(HTTP_AUTHORIZATION=f"Bearer {token_for(admin_user)}"),
        "anonymous": Client(),
        "tables": tables,
    }


def test_every_url_is_reached():
    names = {name for name, _route in ROUTES}
    assert {"audit", "audit-csv", "waiver", "event-detail", "api-payment-log", "healthz", "login"} <= names


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests())
def test_hostile_requests_at_every_url_are_4xx_and_write_nothing(setup, request):
    client = setup[request["caller"]]
    before = snapshot(setup["tables"])
    extra = dict(request["headers"])
    if request["content_type"]:
        extra["CONTENT_TYPE"] = request["content_type"]
    response = client.generic(request["method"], request["path"], request["body"], **extra)
    if response.streaming:
        b"".join(response.streaming_content)
    FIGURES["requests"] += 1
    FIGURES[f"{response.status_code // 100}xx"] += 1
    assert response.status_code < 500, (request, response.status_code)
    if response.status_code >= 400 or request["method"] in ("GET", "HEAD", "OPTIONS"):
        assert snapshot(setup["tables"]) == before, (request, response.status_code)
    elif snapshot(setup["tables"]) != before:
        FIGURES["writes accepted"] += 1


def test_zz_figures():
    """The run's figures, printed for RELIABILITY.md (after the fuzz test in this module)."""
    print(f"\nhostile requests: {dict(sorted(FIGURES.items()))}")


# What the fuzz found, kept as plain regressions.


@pytest.mark.parametrize("url", ["/audit/", "/audit.csv"])
@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "since=9999-12-31&until=9999-12-31"])
def test_far_dates_in_the_audit_filters_are_400(admin_client, tables, url, query):
    response = admin_client.get(f"{url}?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize("charset", ["utf-16", "shift_jis", "latin-1", "bogus"])
def test_a_request_in_another_charset_is_400_and_writes_nothing(setup, raw_table, charset):
    before = raw_table.get("ev-1")
    form = "full_name=Grace&email=grace%40example.com&agree=on"
    body = form.encode(charset) if charset != "bogus" else form.encode()
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    # generic(): the test client's post() and get() would re-encode the body or refuse the charset.
    assert setup["anonymous"].generic("POST", "/g/ev-1/waiver", body, content_type=content_type).status_code == 400
    assert setup["admin"].generic("GET", "/audit/?patron=%C3%80", CONTENT_TYPE=content_type).status_code == 400
    assert raw_table.get("ev-1") == before


@pytest.mark.parametrize("length", ["1e9", "-1", "A", "٣"])
def test_a_content_length_that_is_not_a_number_is_400(setup, raw_table, length):
    before = raw_table.get("ev-1")
    response = setup["bearer"].post(
        "/api/payment-log", b'{"event_id": "ev-1"}', content_type="application/json", CONTENT_LENGTH=length
    )
    assert response.status_code == 400 and response.json()["ok"] is False
    assert raw_table.get("ev-1") == before
