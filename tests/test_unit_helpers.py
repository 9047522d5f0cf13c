"""Small pure helpers, without DynamoDB or the test client: where a sign-in may send you."""

from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from scc.views import _safe_next

PROPERTIES = settings(max_examples=500, derandomize=True)


# Where a sign-in sends you ---------------------------------------------------------------------


def next_for(target, method="post"):
    factory = RequestFactory()
    request = (
        factory.post("/login/", {"next": target}) if method == "post" else factory.get("/login/", {"next": target})
    )
    return _safe_next(request)


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
