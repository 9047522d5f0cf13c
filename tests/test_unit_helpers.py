"""Small pure helpers, without DynamoDB or the test client: where a sign-in may send you, who the client is,
Bearer headers, waiver input, event ids."""

from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.credentials import bearer_token
from accounts.views import safe_next
from events.forms import WaiverForm
from events.selectors import is_valid_event_id
from events.services import email_key
from scc.origin import HEADER, client_address

PROPERTIES = settings(max_examples=300, derandomize=True)
GOOD_WAIVER = {"full_name": "Grace Hopper", "email": "grace@example.com", "phone": "", "agree": "on"}


# Where a sign-in sends you ---------------------------------------------------------------------


def next_for(target, method="post"):
    factory = RequestFactory()
    request = (
        factory.post("/login/", {"next": target}) if method == "post" else factory.get("/login/", {"next": target})
    )
    return safe_next(request)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/events/ev-1/", "/events/ev-1/"),
        ("/audit/?operator=bob", "/audit/?operator=bob"),
        ("", "/"),
        ("0", "/"),  # a bare word would be taken for a view name
        ("audit/", "/"),
        ("//evil.example/", "/"),
        ("//", "/"),  # passes Django's check, but is no path
        ("/\\", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
    ],
)
def test_next_is_a_local_path_or_home(target, expected):
    assert next_for(target) == expected
    assert next_for(target, method="get") == expected


hostile_targets = st.one_of(
    st.text(),
    st.tuples(st.sampled_from(["/", "//", "/\\", "\\", "http:", "https://", " /", "\t/", "/\t/"]), st.text()).map(
        "".join
    ),
)


@PROPERTIES
@given(hostile_targets)
def test_next_never_leaves_the_site(target):
    url = next_for(target)
    parts = urlsplit(url)
    assert url.startswith("/") and not url.startswith(("//", "/\\")), url
    assert not parts.scheme and not parts.netloc, url
    assert url in (target, "/")


# The client behind CloudFront -----------------------------------------------------------------------


VERIFIED = {"HTTP_X_SCC_ORIGIN_VERIFY": "the-origin-secret"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"HTTP_CLOUDFRONT_VIEWER_ADDRESS": "203.0.113.7:5123", **VERIFIED}, "203.0.113.7"),
        ({"HTTP_CLOUDFRONT_VIEWER_ADDRESS": "[2001:db8::1]:443", **VERIFIED}, "2001:db8::1"),
        ({"HTTP_CLOUDFRONT_VIEWER_ADDRESS": "", **VERIFIED}, "10.0.0.1"),
        (VERIFIED, "10.0.0.1"),
        # Anyone can send CloudFront's header straight to the Function URL: only a verified request's counts.
        ({"HTTP_CLOUDFRONT_VIEWER_ADDRESS": "203.0.113.7:5123"}, "10.0.0.1"),
        ({"HTTP_CLOUDFRONT_VIEWER_ADDRESS": "203.0.113.7:5123", "HTTP_X_SCC_ORIGIN_VERIFY": "guess"}, "10.0.0.1"),
    ],
)
def test_client_address(headers, expected, settings):
    settings.ORIGIN_SECRET = "the-origin-secret"
    assert HEADER == "X-SCC-Origin-Verify"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers)) == expected


def test_without_an_origin_secret_no_viewer_header_is_trusted(settings):
    settings.ORIGIN_SECRET = ""
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_CLOUDFRONT_VIEWER_ADDRESS="203.0.113.7:5123")
    assert client_address(request) == "10.0.0.1"


# Bearer tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def", "abc.def"),
        ("bearer  abc.def ", "abc.def"),
        ("BEARER abc", "abc"),
        ("Bearer ", None),
        ("Bearer", None),
        ("Basic YWxpY2U6eA==", None),
        ("abc.def", None),
        (None, None),
    ],
)
def test_bearer_token(header, token):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    assert bearer_token(RequestFactory().get("/api/events/x", **extra)) == token


# Waiver input -------------------------------------------------------------------------------------------


def waiver(**fields):
    form = WaiverForm({**GOOD_WAIVER, **fields})
    return form, form.is_valid()


def test_waiver_cleans_name_email_and_phone():
    form, valid = waiver(full_name="  Grace \n  Hopper ", email=" Grace@Example.COM ", phone=" +1  (206) 555-0102 ")
    assert valid, form.errors
    assert form.cleaned_data == {
        "full_name": "Grace Hopper",
        "email": "Grace@Example.COM",  # as typed; the duplicate guard compares email_key()
        "phone": "+1 (206) 555-0102",
        "agree": True,
    }


@pytest.mark.parametrize("phone", ["", "2065550102", "(206) 555-0102", "+44 20 7946 0958", "206.555.0102", "1234567"])
def test_waiver_phone_formats_accepted(phone):
    form, valid = waiver(phone=phone)
    assert valid, form.errors


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"full_name": "Grace\x07Hopper"}, "full_name"),
        ({"email": "grace@"}, "email"),
        ({"email": "grace hopper@example.com"}, "email"),
        ({"phone": "123456"}, "phone"),  # six digits reach no one
        ({"phone": "1" * 16}, "phone"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "206#555#0102"}, "phone"),
        ({"phone": "+" + "1-" * 20}, "phone"),
        ({"agree": ""}, "agree"),
    ],
)
def test_waiver_refusals_name_the_field(fields, field):
    form, valid = waiver(**fields)
    assert not valid and list(form.errors) == [field]


def test_email_key_ignores_case_and_surrounding_blanks():
    assert email_key("  Grace@Example.COM ") == email_key("grace@example.com") == "grace@example.com"


# Event ids ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_id", "valid"),
    [("ev-1", True), ("2026/12/05-sunset", True), ("x" * 1024, True), ("é" * 512, True)]
    + [("", False), ("x" * 1025, False), ("é" * 513, False), (None, False), (7, False)],
)
def test_event_ids_dynamodb_accepts_as_keys(event_id, valid):
    assert is_valid_event_id(event_id) is valid
