"""The deployed entry point (scc.lambda_entry): Function URL (payload 2.0) events, against dynalite.

The entry point answers Function URL events itself and hands every other event to Zappa's real
handler; the tests compare its answers with Zappa's. One handler subprocess per stage (Django's
settings and Zappa's LambdaHandler are per process), with
the environment zappa_settings.json gives that stage plus the secrets and
deployment values an operator sets on the function.
"""

import base64
import json
import re
import uuid

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test.utils import override_settings

from scc.dynamodb import bind_models
from tests.conftest import PASSWORD, add_operator, create_tables
from tests.factories import event_item, patron
from tests.lambda_events import FUNCTION_HOST, VIEWER_ORIGIN, Browser, HandlerProcess, body_text, function_url_event

pytestmark = pytest.mark.zappa

EVENT_ID = "lambda-ev"


class CheapPBKDF2(PBKDF2PasswordHasher):
    # Same algorithm name, so production settings verify it; fewer rounds keep the suite fast.
    iterations = 1000


@pytest.fixture(scope="module")
def lambda_tables(dynalite_server):
    suffix = uuid.uuid4().hex[:12]
    names = {"EVENTS_TABLE": f"events-{suffix}", "OPERATORS_TABLE": f"operators-{suffix}"}
    hashers = [f"{__name__}.CheapPBKDF2"]
    with override_settings(DYNAMODB_HOST=dynalite_server.endpoint, PASSWORD_HASHERS=hashers, **names):
        bind_models()
        create_tables()
        add_operator("alice", "admin")
        from scc.dynamodb import raw_client

        client = raw_client()
        roster = [patron("p1", "Ada Lovelace", "ada@example.com")]
        client.put_item(TableName=names["EVENTS_TABLE"], Item=event_item(EVENT_ID, roster=roster))
    bind_models()
    return {"endpoint": dynalite_server.endpoint, "client": client, **names}


@pytest.fixture(scope="module", params=["production", "staging"])
def stage(request, lambda_tables, tmp_path_factory):
    name = request.param
    extra_env = {
        # What the operator sets on the function (secrets and per-deployment values).
        "DJANGO_SECRET_KEY": "lambda-test-secret-" + "s" * 50,
        "SCC_CSRF_TRUSTED_ORIGINS": VIEWER_ORIGIN,
        "SCC_EMAIL_FROM": "dispatch@scc.test",
        # What the test points at instead of AWS.
        "SCC_DYNAMODB_HOST": lambda_tables["endpoint"],
        "SCC_EVENTS_TABLE": lambda_tables["EVENTS_TABLE"],
        "SCC_OPERATORS_TABLE": lambda_tables["OPERATORS_TABLE"],
        "AWS_REGION": "us-west-2",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
    }
    handler = HandlerProcess(name, tmp_path_factory.mktemp(f"lambda-{name}"), extra_env)
    handler.prefix = "/_staging" if name == "staging" else ""
    yield handler
    handler.stop()


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def cookie_names(response):
    return [header.strip().split("=", 1)[0] for header in response.get("cookies") or []]


def sign_in(stage):
    browser = Browser(stage)
    page = browser.request("GET", f"{stage.prefix}/login/")
    form = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(body_text(page))}
    response = browser.request("POST", f"{stage.prefix}/login/", form=form)
    assert response["statusCode"] == 302, body_text(response)
    return browser, response


def api_token(stage):
    response = Browser(stage).request(
        "POST", f"{stage.prefix}/api/login", json_body={"username": "alice", "password": PASSWORD}
    )
    assert response["statusCode"] == 200, body_text(response)
    return json.loads(body_text(response))["token"]


def test_healthz(stage):
    response = Browser(stage).request("GET", f"{stage.prefix}/healthz")
    assert response["statusCode"] == 200
    assert json.loads(body_text(response)) == {"ok": True, "version": "dev"}


def test_plain_http_is_redirected_except_healthz(stage):
    plain = {"x-forwarded-proto": "http", "x-forwarded-port": "80"}
    assert Browser(stage).request("GET", f"{stage.prefix}/healthz", headers=plain)["statusCode"] == 200
    login = Browser(stage).request("GET", f"{stage.prefix}/login/", headers=plain)
    assert login["statusCode"] == 301
    assert login["headers"]["Location"] == f"https://{FUNCTION_HOST}{stage.prefix}/login/"


def test_login_round_trip_then_dispatch_and_logout(stage):
    p = stage.prefix
    browser, response = sign_in(stage)
    assert response["headers"]["Location"] == f"{p}/"
    session_cookie = "scc_session__staging" if p else "scc_session"
    assert session_cookie in browser.cookies
    set_cookie = next(c for c in response["cookies"] if c.startswith(session_cookie + "="))
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and f"Path={p or '/'}" in set_cookie

    page = browser.request("GET", f"{p}/")
    html = body_text(page)
    assert page["statusCode"] == 200
    assert "Charter lambda-ev" in html and "Log Payment" in html
    # Every link, form, static URL and the JS API base carry the stage's prefix.
    assert f'href="{p}/events/{EVENT_ID}/"' in html
    assert f'action="{p}/logout/"' in html
    # Hashed once collectstatic has run locally (make package does), plain before.
    css_url = re.search(r'href="(' + re.escape(p) + r'/static/css/scc(?:\.[0-9a-f]{12})?\.css)"', html).group(1)
    assert f'data-api-base="{p}/api/"' in html
    for login_or_page in (html, body_text(browser.request("GET", f"{p}/login/"))):
        for url in re.findall(r'(?:href|src|action)="(/[^"]*)"', login_or_page):
            assert url.startswith(f"{p}/"), url

    css = browser.request("GET", css_url)
    assert css["statusCode"] == 200 and css["headers"]["Content-Type"].startswith("text/css")

    logout = browser.request(
        "POST", f"{p}/logout/", form={"csrfmiddlewaretoken": csrf_token(html)}, headers={"referer": VIEWER_ORIGIN}
    )
    assert logout["statusCode"] == 302 and logout["headers"]["Location"] == f"{p}/login/"
    assert session_cookie not in browser.cookies
    assert browser.request("GET", f"{p}/")["statusCode"] == 302


def test_page_without_session_redirects_to_prefixed_login(stage):
    p = stage.prefix
    response = Browser(stage).request("GET", f"{p}/events/{EVENT_ID}/")
    assert response["statusCode"] == 302
    assert response["headers"]["Location"] == f"{p}/login/?next={p.replace('/', '%2F')}%2Fevents%2F{EVENT_ID}%2F"


def test_post_from_another_origin_is_refused(stage):
    browser = Browser(stage)
    page = browser.request("GET", f"{stage.prefix}/login/")
    form = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(body_text(page))}
    response = browser.request("POST", f"{stage.prefix}/login/", form=form, headers={"origin": "https://evil.test"})
    assert response["statusCode"] == 403


def test_each_cookie_reaches_the_browser_once(stage):
    suffix = "__staging" if stage.prefix else ""
    page = Browser(stage).request("GET", f"{stage.prefix}/login/")
    assert cookie_names(page) == [f"scc_csrftoken{suffix}"]
    _, response = sign_in(stage)
    # The session, and the CSRF token rotated by the sign-in (as Django's login does).
    assert sorted(cookie_names(response)) == [f"scc_csrftoken{suffix}", f"scc_session{suffix}"]
    # Zappa's own handler sends each one twice (scc.lambda_http sends it once).
    raw = stage.call(function_url_event("GET", f"{stage.prefix}/login/"), entry="zappa")
    first, second = (cookie.strip() for cookie in raw["cookies"])
    assert first == second and first.startswith(f"scc_csrftoken{suffix}=")


def test_api_with_bearer_token_and_without_auth(stage):
    p = stage.prefix
    token = api_token(stage)
    response = Browser(stage).request("GET", f"{p}/api/events/{EVENT_ID}", headers={"authorization": f"Bearer {token}"})
    assert response["statusCode"] == 200, body_text(response)
    assert json.loads(body_text(response))["event"]["event_id"] == EVENT_ID
    anonymous = Browser(stage).request("GET", f"{p}/api/events/{EVENT_ID}")
    assert anonymous["statusCode"] == 401
    assert json.loads(body_text(anonymous))["ok"] is False


def test_payment_log_with_bearer_token_writes_to_dynamodb(stage, lambda_tables):
    p = stage.prefix
    payment_id = str(uuid.uuid4())
    body = {"event_id": EVENT_ID, "patron_id": "p1", "amount": "45.00", "notes": "lambda", "payment_id": payment_id}
    anonymous = Browser(stage).request("POST", f"{p}/api/payment-log", json_body=body)
    assert anonymous["statusCode"] == 401

    token = api_token(stage)
    headers = {"authorization": f"Bearer {token}"}
    response = Browser(stage).request("POST", f"{p}/api/payment-log", json_body=body, headers=headers)
    assert response["statusCode"] == 201, body_text(response)
    item = lambda_tables["client"].get_item(
        TableName=lambda_tables["EVENTS_TABLE"], Key={"event_id": {"S": EVENT_ID}}, ConsistentRead=True
    )["Item"]
    assert payment_id in item["payment_ids"]["SS"]


def test_each_stage_serves_only_its_own_paths(stage):
    # Staging answers nothing outside /_staging; production answers nothing under it.
    other = "" if stage.prefix else "/_staging"
    for path in ("/healthz", "/login/", f"/api/events/{EVENT_ID}"):
        assert Browser(stage).request("GET", f"{stage.prefix}{path}")["statusCode"] != 404, path
        assert Browser(stage).request("GET", f"{other}{path}")["statusCode"] == 404, other + path
    bare = Browser(stage).request("GET", "/_staging")
    if stage.prefix:
        assert bare["statusCode"] == 302 and bare["headers"]["Location"] == "/_staging/"
    else:
        assert bare["statusCode"] == 404


def _comparable(response):
    """A response with what differs on every request (CSRF tokens, the cookies carrying them, Expires) masked."""
    body = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1-", body_text(response))
    cookies = sorted(re.sub(r"=[^;]*;", "=-;", cookie.strip(), count=1) for cookie in response.get("cookies") or [])
    return {
        "statusCode": response["statusCode"],
        # Expires is "now" (never_cache): two calls may fall in different seconds.
        "headers": {name: "-" if name == "Expires" else value for name, value in response["headers"].items()},
        "cookies": sorted(set(cookies)),  # Zappa sends each twice
        "body": body,
        "isBase64Encoded": response["isBase64Encoded"],
    }


def test_function_url_requests_are_answered_as_zappas_handler_answers_them(stage):
    # scc.lambda_entry translates Function URL events itself (scc/lambda_http.py) instead of importing
    # Zappa's handler for them: for the same events, the same answers.
    p = stage.prefix
    login = json.dumps({"username": "u" * 300, "password": "p"})  # refused before any database read or hash
    events = [
        function_url_event("GET", f"{p}/healthz"),
        function_url_event("GET", f"{p}/login/", query="next=%2Fevents%2F"),
        function_url_event("GET", f"{p}/login/", headers={"x-forwarded-proto": "http", "x-forwarded-port": "80"}),
        function_url_event("GET", f"{p}/static/css/scc.css"),
        function_url_event("GET", f"{p}/static/favicon.svg"),
        function_url_event("GET", f"{p}/no-such-page/"),
        function_url_event("GET", f"{p}/api/events/{EVENT_ID}"),
        function_url_event("POST", f"{p}/api/login", headers={"content-type": "application/json"}, body=login),
        {
            **function_url_event("POST", f"{p}/api/login", headers={"content-type": "application/json"}),
            "body": base64.b64encode(login.encode()).decode(),
            "isBase64Encoded": True,
        },
        function_url_event("POST", f"{p}/logout/", headers={"origin": "https://evil.test"}, body=""),
    ]
    statuses = []
    for event in events:
        ours, zappas = stage.call(event), stage.call(event, entry="zappa")
        assert _comparable(ours) == _comparable(zappas), event["rawPath"]
        statuses.append(ours["statusCode"])
    assert statuses == [200, 200, 301, 200, 200, 404, 401, 400, 400, 403]
    assert "At most 256 characters." in body_text(stage.call(events[-2]))  # the base64 body was decoded


def test_keep_warm_and_manage_events_go_to_zappas_handler(stage):
    keep_warm = {
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "resources": [
            "arn:aws:events:us-west-2:123456789012:rule/scc-dispatch-zappa-keep-warm-handler.keep_warm_callback"
        ],
    }
    assert stage.call(keep_warm) is None
    assert stage.call({"manage": "check"}) == {}  # what `zappa manage STAGE check` sends
    assert "System check identified no issues" in stage.log_path.read_text()
    assert Browser(stage).request("GET", f"{stage.prefix}/healthz")["statusCode"] == 200


def test_each_request_logs_the_access_line_zappa_tail_http_shows(stage):
    from zappa.cli import ZappaCLI

    path = f"{stage.prefix}/login/"
    Browser(stage).request("GET", path, query="from=log-test")
    lines = [line for line in stage.log_path.read_text().splitlines() if f"GET {path}?from=log-test" in line]
    assert len(lines) == 1, lines
    assert ZappaCLI().is_http_log_entry(lines[0])
    assert re.search(
        r'^203\.0\.113\.9 - - \[.+\] "GET \S+ HTTP/1\.1" 200 \d+ "" "Mozilla/5\.0 \(test\)" \d+/\d+$', lines[0]
    )


@pytest.mark.parametrize(
    ("headers", "base64_expected"),
    [
        ([("Content-Type", "image/png")], True),
        ([("Content-Type", "text/css"), ("Content-Encoding", "gzip")], True),
        ([("Content-Type", "application/json")], False),
        ([("Content-Type", "image/svg+xml")], False),
    ],
)
def test_binary_bodies_go_back_base64_encoded_as_with_zappa(headers, base64_expected):
    from zappa.utilities import DEFAULT_TEXT_MIMETYPES

    from scc.lambda_http import TEXT_TYPES, function_url_response

    assert TEXT_TYPES == DEFAULT_TEXT_MIMETYPES
    body = b"\x89PNG\r\n\x1a\n\x00" if base64_expected else "<svg>é</svg>".encode()
    response = function_url_response(200, [*headers, ("Set-Cookie", " a=1; Path=/")], body)
    assert response["isBase64Encoded"] is base64_expected
    assert response["body"] == (base64.b64encode(body).decode() if base64_expected else "<svg>é</svg>")
    assert response["cookies"] == ["a=1; Path=/"]
