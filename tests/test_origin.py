"""The origin check: with SCC_ORIGIN_SECRET set, only requests that came through CloudFront (which adds the
secret header) are served; the rest get 403 before any other work. cloudfront_routes sets the header;
the smoke check proves the Function URL called directly is refused."""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from deploy import cloudfront, smoke
from tests.factories import event_item
from tests.test_cloudfront import BUCKET, LAMBDA_URL, STAGING_URL, current, distribution  # noqa: F401 (fixture)

SECRET = "s3cret-from-the-environment-0123456789"
VIA_CLOUDFRONT = {"HTTP_X_SCC_ORIGIN_VERIFY": SECRET}


@pytest.fixture
def origin_secret(settings):
    settings.ORIGIN_SECRET = SECRET
    return SECRET


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/static/css/scc.css", "/g/ev-1/waiver", "/nope/"])
def test_without_the_header_every_path_is_refused(tables, origin_secret, path):
    for headers in ({}, {"HTTP_X_SCC_ORIGIN_VERIFY": "guess"}, {"HTTP_X_SCC_ORIGIN_VERIFY": SECRET[:-1]}):
        response = Client(**headers).get(path)
        assert response.status_code == 403, (path, headers)
        assert "Set-Cookie" not in response  # no session, no CSRF cookie: nothing ran


def test_with_the_header_the_app_answers(tables, origin_secret):
    assert Client(**VIA_CLOUDFRONT).get("/login/").status_code == 200
    assert Client(**VIA_CLOUDFRONT).get("/healthz").status_code == 200


def test_the_api_is_refused_with_the_json_error_shape(tables, origin_secret):
    response = Client().post("/api/login", "{}", content_type="application/json")
    assert response.status_code == 403 and response.json()["ok"] is False


def test_a_refused_request_does_nothing_at_all(raw_table, origin_secret, wire):
    raw_table.put(event_item("ev-1"))
    before = raw_table.get("ev-1")
    wire.clear()
    signing = {"full_name": "Mallory", "email": "m@example.com", "agree": "on"}
    response = Client(HTTP_CLOUDFRONT_VIEWER_ADDRESS="203.0.113.9:1").post("/g/ev-1/waiver", signing)
    assert response.status_code == 403
    body = '{"username": "alice", "password": "guess"}'
    assert Client().post("/api/login", body, content_type="application/json").status_code == 403
    assert wire == {}  # not one DynamoDB request: no signing, no rate-limit count, no lockout count
    assert raw_table.get("ev-1") == before


def test_during_a_rotation_both_secrets_are_accepted(tables, settings):
    settings.ORIGIN_SECRET = f"new-{SECRET}, {SECRET}"
    assert Client(HTTP_X_SCC_ORIGIN_VERIFY=f"new-{SECRET}").get("/login/").status_code == 200
    assert Client(HTTP_X_SCC_ORIGIN_VERIFY=SECRET).get("/login/").status_code == 200
    assert Client(HTTP_X_SCC_ORIGIN_VERIFY="new-").get("/login/").status_code == 403


def test_without_a_secret_nothing_is_checked(tables, settings):
    settings.ORIGIN_SECRET = ""
    assert Client().get("/login/").status_code == 200


# cloudfront_routes ------------------------------------------------------------------------------------


def routes(dist_id, *extra):
    out = StringIO()
    args = ["--distribution-id", dist_id, "--lambda-url", LAMBDA_URL, "--staging-lambda-url", STAGING_URL]
    call_command(
        "cloudfront_routes", *args, "--static-bucket", BUCKET, "--static-region", "us-west-2", *extra, stdout=out
    )
    return out.getvalue()


def headers_of(config):
    return {o["Id"]: o.get("CustomHeaders", {}).get("Items", []) for o in config["Origins"]["Items"]}


def test_routes_put_the_secret_on_the_lambda_origins_and_never_print_it(distribution, origin_secret):  # noqa: F811
    client, dist_id = distribution
    output = routes(dist_id, "--apply")
    assert SECRET not in output
    headers = headers_of(current(client, dist_id))
    wanted = [{"HeaderName": "X-SCC-Origin-Verify", "HeaderValue": SECRET}]
    assert headers["scc-lambda"] == wanted and headers["scc-lambda-staging"] == wanted
    assert headers["scc-static"] == [] and headers["legacy-site"] == []
    assert "Cache behaviours are up to date." in routes(dist_id, "--apply")


def test_a_new_secret_is_a_change_shown_without_its_value(distribution, settings):  # noqa: F811
    client, dist_id = distribution
    settings.ORIGIN_SECRET = SECRET
    routes(dist_id, "--apply")
    settings.ORIGIN_SECRET = f"rotated-{SECRET}, {SECRET}"
    output = routes(dist_id)
    assert "~ origin scc-lambda: header X-SCC-Origin-Verify set (the value of SCC_ORIGIN_SECRET, not shown)" in output
    assert SECRET not in output
    routes(dist_id, "--apply")
    assert headers_of(current(client, dist_id))["scc-lambda"][0]["HeaderValue"] == f"rotated-{SECRET}"


def test_other_custom_headers_on_our_origin_are_kept(distribution, origin_secret):  # noqa: F811
    client, dist_id = distribution
    routes(dist_id, "--apply")
    response = client.get_distribution_config(Id=dist_id)
    config = response["DistributionConfig"]
    lambda_origin = next(o for o in config["Origins"]["Items"] if o["Id"] == "scc-lambda")
    lambda_origin["CustomHeaders"] = {"Quantity": 1, "Items": [{"HeaderName": "X-Team", "HeaderValue": "ops"}]}
    client.update_distribution(Id=dist_id, IfMatch=response["ETag"], DistributionConfig=config)
    routes(dist_id, "--apply")
    names = {h["HeaderName"]: h["HeaderValue"] for h in headers_of(current(client, dist_id))["scc-lambda"]}
    assert names == {"X-Team": "ops", "X-SCC-Origin-Verify": SECRET}


def test_without_a_secret_routes_say_so_and_leave_headers_alone(distribution, settings):  # noqa: F811
    client, dist_id = distribution
    settings.ORIGIN_SECRET = ""
    output = routes(dist_id, "--apply")
    assert "SCC_ORIGIN_SECRET is not set" in output
    assert headers_of(current(client, dist_id))["scc-lambda"] == []


def test_every_page_of_the_app_has_a_cloudfront_behaviour():
    for path in ("/login/*", "/logout/*", "/account/*", "/operators/*", "/api/*", "/audit/*"):
        assert path in cloudfront.APP_PATTERNS


# The smoke check: the Function URL refused, CloudFront's path working --------------------------------


class AddsOriginHeader:
    """A stand-in for CloudFront: forwards every request to the app, adding the origin header."""

    def __init__(self, target, secret):
        target = urlsplit(target)

        class Handler(BaseHTTPRequestHandler):
            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                headers["X-SCC-Origin-Verify"] = secret
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_POST = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cloudfront_stand_in(app_server):
    proxy = AddsOriginHeader(app_server.url, SECRET)
    yield proxy
    proxy.stop()


def test_smoke_check_proves_the_function_url_is_refused_and_cloudfront_works(
    app_server, tables, origin_secret, cloudfront_stand_in
):
    out = StringIO()
    call_command("smoke_check", cloudfront_stand_in.url, "--function-url", app_server.url, stdout=out)
    output = out.getvalue()
    row = next(line for line in output.splitlines() if line.startswith("GET <function URL>/healthz (direct)"))
    assert row.split()[-1] == "ok" and "403" in row
    assert "All 7 checks passed." in output


def test_smoke_check_fails_when_the_function_url_answers_anyone(app_server, tables, settings):
    settings.ORIGIN_SECRET = ""
    checks = {check.name: check for check in smoke.run(app_server.url, function_url=app_server.url)}
    direct = checks["GET <function URL>/healthz (direct)"]
    assert not direct.ok and "answers anyone" in direct.detail
    assert [name for name, check in checks.items() if not check.ok] == ["GET <function URL>/healthz (direct)"]
