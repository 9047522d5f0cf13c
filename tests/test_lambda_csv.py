"""/audit.csv through the deployed entry point: a Function URL buffers a response and refuses one over
6 MB, so on Lambda the CSV stops below a byte limit (SCC_CSV_MAX_BYTES) and says so in its last line."""

import csv
import io
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.test.utils import override_settings

from scc.dynamodb import bind_models, raw_client
from scc.lambda_http import LARGE_TEXT_BYTES, function_url_response
from scc.spreadsheet import INCOMPLETE
from tests.conftest import PASSWORD, add_operator, create_tables
from tests.factories import event_item, legacy_payment
from tests.lambda_events import ROOT, VIEWER_ORIGIN, Browser, HandlerProcess, body_text
from tests.test_lambda_handler import CheapPBKDF2, csrf_token

pytestmark = pytest.mark.zappa

CAP = 3000  # bytes: a few dozen rows
EVENTS, PAYMENTS = 6, 10  # 60 rows of ~110 bytes: more than CAP


@pytest.fixture(scope="module")
def handler(dynalite_server, tmp_path_factory):
    suffix = uuid.uuid4().hex[:12]
    names = {"EVENTS_TABLE": f"events-{suffix}", "OPERATORS_TABLE": f"operators-{suffix}"}
    with override_settings(
        DYNAMODB_HOST=dynalite_server.endpoint, PASSWORD_HASHERS=[f"{CheapPBKDF2.__module__}.CheapPBKDF2"], **names
    ):
        bind_models()
        create_tables()
        add_operator("alice", "staff")
        client = raw_client()
        for n in range(EVENTS):
            payments = [
                legacy_payment(str(10 + k), timestamp=f"2026-10-{1 + k:02d}T17:00:00+00:00") for k in range(PAYMENTS)
            ]
            client.put_item(TableName=names["EVENTS_TABLE"], Item=event_item(f"ev-{n}", payments=payments))
    bind_models()
    process = HandlerProcess(
        "production",
        tmp_path_factory.mktemp("lambda-csv"),
        {
            "DJANGO_SECRET_KEY": "lambda-csv-secret-" + "s" * 50,
            "SCC_CSRF_TRUSTED_ORIGINS": VIEWER_ORIGIN,
            "SCC_EMAIL_FROM": "dispatch@scc.test",
            "SCC_DYNAMODB_HOST": dynalite_server.endpoint,
            "SCC_EVENTS_TABLE": names["EVENTS_TABLE"],
            "SCC_OPERATORS_TABLE": names["OPERATORS_TABLE"],
            "SCC_CSV_MAX_BYTES": str(CAP),
            "AWS_REGION": "us-west-2",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        },
    )
    yield process
    process.stop()


def signed_in(handler):
    browser = Browser(handler)
    page = browser.request("GET", "/login/")
    form = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(body_text(page))}
    assert browser.request("POST", "/login/", form=form)["statusCode"] == 302
    return browser


def test_a_csv_past_the_limit_stops_below_it_and_says_how_to_narrow_it(handler):
    response = signed_in(handler).request("GET", "/audit.csv")
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("text/csv")
    body = body_text(response)
    assert len(body.encode()) <= CAP
    assert body.startswith("\ufeff")  # the BOM: Excel reads UTF-8
    *records, last = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    header, *rows = records
    assert header[:4] == ["time", "local_time (America/Los_Angeles)", "operator", "action"]
    assert all(len(row) == len(header) for row in rows)
    assert 0 < len(rows) < EVENTS * PAYMENTS
    assert last == [
        f"{INCOMPLETE}: only the first {len(rows)} rows are here: the export stopped at 3,000 bytes, the most one "
        "download can hold. Narrow it with the filters (Event, Operator, Action, Patron, Since, Until) and "
        "download each part."
    ]


def test_a_narrowed_csv_under_the_limit_is_whole(handler):
    response = signed_in(handler).request("GET", "/audit.csv", query="event=ev-2")
    body = body_text(response)
    header, *rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert len(rows) == PAYMENTS and {row[4] for row in rows} == {"ev-2"}
    assert INCOMPLETE not in body


def test_on_lambda_the_limit_defaults_to_4_mb_elsewhere_to_none():
    def limit(**env):
        base = {k: v for k, v in os.environ.items() if k not in ("AWS_LAMBDA_FUNCTION_NAME", "SCC_CSV_MAX_BYTES")}
        code = "import django; django.setup(); from django.conf import settings; print(settings.CSV_MAX_BYTES)"
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**base, "DJANGO_SETTINGS_MODULE": "scc.settings", "DJANGO_DEBUG": "1", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stdout.strip())

    assert limit(AWS_LAMBDA_FUNCTION_NAME="scc-dispatch-production") == 4_000_000
    assert limit() == 0
    assert limit(AWS_LAMBDA_FUNCTION_NAME="scc-dispatch-production", SCC_CSV_MAX_BYTES="5000") == 5000


@pytest.mark.parametrize(
    ("text", "base64_expected"),
    [("a,b,c\r\n" * 200_000, False), ('"é",ü,"\u6e2f"\r\n' * 100_000, True), ("é\r\n" * 100, False)],
    ids=["large, plain", "large, escapes past base64", "small"],
)
def test_a_large_text_body_goes_base64_when_its_json_would_be_larger(text, base64_expected):
    body = text.encode()
    response = function_url_response(200, [("Content-Type", "text/csv; charset=utf-8")], body)
    assert response["isBase64Encoded"] is base64_expected
    assert body_text(response) == text
    if len(body) >= LARGE_TEXT_BYTES:  # what a Function URL counts against its 6 MB: at most base64's 4/3
        assert len(json.dumps(response)) <= len(body) * 4 // 3 + 200
