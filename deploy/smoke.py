"""Post-deploy smoke check: is each kind of path answered by the right thing (Lambda app, S3) behind CloudFront?

Standard library only (urllib): it runs wherever manage.py runs, with no dev dependencies.
With an expected version it first waits, for a bounded time, until /healthz reports that
commit: a Lambda update still settling, a cached copy or the wrong function all answer with
another version.
"""

import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

TIMEOUT_SECONDS = 15
USER_AGENT = "scc-smoke-check/1"
WAIVER_PROBE = "/g/smoke-check-no-such-event/waiver"
DEFAULT_WAIT_SECONDS = 120
RETRY_SECONDS = 5


@dataclass
class Check:
    name: str
    expected: str
    got: str = ""
    ok: bool = False
    detail: str = ""


@dataclass
class Reply:
    status: int
    content_type: str
    body: str
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_follow = urllib.request.build_opener()
_no_follow = urllib.request.build_opener(_NoRedirect)


def fetch(url, *, method="GET", data=None, follow=True):
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/json;q=0.9,*/*;q=0.8"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if not url.startswith(("https://", "http://")):
        return Reply(0, "", "", error=f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310 (scheme checked)
    opener = _follow if follow else _no_follow
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Reply(response.status, response.headers.get("Content-Type", ""), _text(response.read()))
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.headers.get("Content-Type", ""), _text(exc.read()))
    except (urllib.error.URLError, OSError) as exc:
        return Reply(0, "", "", error=str(getattr(exc, "reason", exc)))


def _text(raw):
    return raw[:200_000].decode("utf-8", "replace")


def _is_s3_error(reply):
    return reply.content_type.startswith("application/xml") or bool(re.search(r"<Error>\s*<Code>", reply.body))


def _is_our_page(reply):
    # Every page of ours, staff or public, carries this tag (templates/base.html).
    return "text/html" in reply.content_type and '<html lang="en" data-app="scc">' in reply.body


class _StaticLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("href") if tag == "link" else attrs.get("src") if tag in ("script", "img") else None
        if url and "/static/" in url:
            self.urls.append(url)


def short(version):
    return version[:12] if re.fullmatch(r"[0-9a-f]{13,40}", version or "") else (version or "")


def version_matches(reported, expected):
    """The same commit; an abbreviated SHA (7+ hex digits) matches its full form, never a "-dirty" build."""
    if not isinstance(reported, str) or len(expected) < 7:
        return reported == expected
    return reported == expected or bool(re.fullmatch(re.escape(expected) + "[0-9a-f]*", reported))


def _reported_version(reply):
    if reply.status != 200 or "json" not in reply.content_type:
        return None
    try:
        return json.loads(reply.body).get("version")
    except (ValueError, AttributeError):
        return None


def _describe_answer(reply):
    if reply.error:
        return f"no answer ({reply.error})"
    version = _reported_version(reply)
    if version is None:
        return f"HTTP {reply.status}, no version"
    return f"version {short(str(version))}"


def await_version(base, expected, *, wait, say=None, clock=time.monotonic, sleep=time.sleep):
    """Poll /healthz until it reports `expected`, for at most `wait` seconds; return the Check."""
    check = Check("GET /healthz version", short(expected))
    deadline = clock() + wait
    while True:
        reply = fetch(f"{base}/healthz")
        reported = _reported_version(reply)
        check.got = short(str(reported)) if reported is not None else str(reply.status or "no answer")
        if version_matches(reported, expected):
            check.ok = True
            return check
        remaining = deadline - clock()
        if remaining <= 0:
            check.detail = (
                f"{_describe_answer(reply)} after {wait:g} s, not the commit just deployed: the update has not "
                "finished, a cache serves an old copy, or this URL reaches another function"
            )
            return check
        if say:
            say(f"  /healthz: {_describe_answer(reply)}, want {short(expected)}; retrying ({remaining:.0f} s left)")
        sleep(min(RETRY_SECONDS, remaining))


def run(
    base_url,
    *,
    function_url=None,
    expect_version=None,
    wait=DEFAULT_WAIT_SECONDS,
    progress=None,
    say=None,
    clock=time.monotonic,
    sleep=time.sleep,
):
    """Run every check against base_url (e.g. https://dispatch.example.com/_staging); return the Checks.

    With expect_version, first wait (at most `wait` seconds, `say` reporting each retry) until
    /healthz reports that commit; the other checks run either way. With function_url (the stage's
    Lambda Function URL), also check that calling it directly, without CloudFront's origin header, is
    refused while the same paths through base_url work.
    """
    if not base_url.startswith(("https://", "http://")):
        raise ValueError(f"BASE_URL must start with https:// or http://, got {base_url!r}")
    base = base_url.rstrip("/")
    checks = []

    def record(check):
        checks.append(check)
        if progress:
            progress(check)

    if expect_version:
        record(await_version(base, expect_version, wait=wait, say=say, clock=clock, sleep=sleep))

    def status_check(name, reply, expected):
        check = Check(name, str(expected), got=str(reply.status or "no answer"))
        if reply.error:
            check.detail = f"connection failed: {reply.error}"
        elif reply.status == expected:
            check.ok = True
        elif reply.status == 404:
            check.detail = "routing failure: the path does not reach the app (check CloudFront behaviours)"
        else:
            check.detail = f"unexpected answer ({reply.content_type or 'no content type'})"
        return check

    record(status_check("GET /healthz", fetch(f"{base}/healthz"), 200))
    if function_url:
        record(direct_call_check(function_url))
    login = fetch(f"{base}/login/")
    record(status_check("GET /login/", login, 200))

    for path in ("/api/payment-log", "/api/payment-notify"):
        reply = fetch(f"{base}{path}", method="POST", data=b"{}", follow=False)
        check = status_check(f"POST {path} (no auth)", reply, 401)
        if check.ok and "json" not in reply.content_type:
            check.ok, check.detail = False, "401 but not the app's JSON"
        record(check)

    reply = fetch(f"{base}{WAIVER_PROBE}", follow=False)
    check = Check("GET /g/<id>/waiver", "the app's page", got=str(reply.status or "no answer"))
    if reply.error:
        check.detail = f"connection failed: {reply.error}"
    elif _is_s3_error(reply):
        check.detail = "answered by S3, not the app: routing failure (check the /g/*/waiver behaviour)"
    elif _is_our_page(reply) and reply.status in (200, 404):
        check.ok = True
    else:
        check.detail = f"not the app's page ({reply.content_type or 'no content type'})"
    record(check)

    parser = _StaticLinks()
    parser.feed(login.body)
    if not parser.urls:
        record(Check("GET static file", "200", got="-", detail="the login page references no static file"))
    else:
        url = urljoin(f"{base}/login/", parser.urls[0])
        reply = fetch(url)
        check = status_check(f"GET {parser.urls[0]}", reply, 200)
        if check.ok and _is_s3_error(reply):
            check.ok, check.detail = False, "S3 error body"
        record(check)
    return checks


def direct_call_check(function_url):
    """The Function URL called directly (no origin header) must be refused: only CloudFront may call it."""
    reply = fetch(f"{function_url.rstrip('/')}/healthz", follow=False)
    check = Check("GET <function URL>/healthz (direct)", "403", got=str(reply.status or "no answer"))
    if reply.error:
        check.detail = f"connection failed: {reply.error}"
    elif reply.status == 403:
        check.ok = True
    elif reply.status == 200:
        check.detail = (
            "the Function URL answers anyone: set SCC_ORIGIN_SECRET on the function and run "
            "cloudfront_routes --apply with the same value"
        )
    else:
        check.detail = f"unexpected answer ({reply.content_type or 'no content type'})"
    return check


WIDTHS = (44, 16, 13)


def format_row(check, widths=WIDTHS):
    result = "ok" if check.ok else "FAIL"
    row = f"{check.name:<{widths[0]}} {check.expected:<{widths[1]}} {check.got:<{widths[2]}} {result}"
    return f"{row}  {check.detail}" if check.detail else row


def header(widths=WIDTHS):
    return f"{'check':<{widths[0]}} {'expected':<{widths[1]}} {'got':<{widths[2]}} result"
