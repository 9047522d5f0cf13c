"""`make promote`'s gate and `make logs`, against moto's Lambda, CloudWatch and CloudWatch Logs.

The test puts the metrics and log events AWS would have recorded; nothing reaches real AWS.
The gate itself runs in-process with an injected `now`; `make promote` and `make logs` run as
an operator runs them, pointed at the moto server with AWS_ENDPOINT_URL.
"""

import io
import os
import subprocess
import urllib.request
import zipfile
from datetime import UTC, datetime, timedelta
from io import StringIO

import boto3
import pytest
from moto.server import ThreadedMotoServer

from deploy import aws, cloudwatch, gate, history, release
from tests.dynalite import ROOT, free_port
from tests.test_deploy_make import DEPLOY_ENV

REGION = "us-west-2"
STAGING = aws.stage("staging")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}


@pytest.fixture(scope="module")
def moto_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_world(moto_endpoint, tmp_path):
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()

    def client(service):
        return boto3.client(
            service,
            endpoint_url=moto_endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    class World:
        endpoint = moto_endpoint
        log_dir = tmp_path / "deploy"
        lambda_client = client("lambda")
        cloudwatch = client("cloudwatch")
        logs = client("logs")
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()

        def deploy_function(self, name=STAGING.function, code=b"v1"):
            """What `zappa update` leaves behind: the function, updated now."""
            role = client("iam").create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            self.lambda_client.create_function(
                FunctionName=name, Runtime="python3.11", Role=role, Handler="h.h", Code={"ZipFile": _zip(code)}
            )
            return aws.function_state(self.lambda_client, name)

        def smoke_passed(self, state):
            """What a passing `make deploy-staging` records for HEAD."""
            history.write_marker(self.log_dir, "staging", self.head, state=state, passed_at=state.last_modified)

        def put_metric(self, metric, value, at, function=STAGING.function):
            self.cloudwatch.put_metric_data(
                Namespace="AWS/Lambda",
                MetricData=[
                    {
                        "MetricName": metric,
                        "Dimensions": [{"Name": "FunctionName", "Value": function}],
                        "Timestamp": at,
                        "Value": value,
                        "Unit": "Count",
                    }
                ],
            )

        def check(self, now, min_minutes=10):
            return gate.check(
                commit=self.head,
                log_dir=self.log_dir,
                staging=STAGING,
                now=now,
                lambda_client=self.lambda_client,
                cloudwatch_client=self.cloudwatch,
                min_minutes=min_minutes,
            )

        def authorize(self, now, *, force):
            out = StringIO()
            fields = release.authorize_promotion(
                log_dir=self.log_dir,
                console=release.Console(out),
                force=force,
                min_minutes=10,
                now=now,
                staging=STAGING,
                lambda_client=self.lambda_client,
                cloudwatch_client=self.cloudwatch,
            )
            return fields, out.getvalue()

        def make(self, *args, **env):
            base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_", "AWS_"))}
            return subprocess.run(
                ["make", "--no-print-directory", *args, f"DEPLOY_LOG={self.log_dir}"],
                cwd=ROOT,
                env={**base, **DEPLOY_ENV, **CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint, **env},
                capture_output=True,
                text=True,
                timeout=300,
            )

    return World()


def _zip(code):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", code)
    return buffer.getvalue()


def test_gate_allows_a_clean_staging_live_long_enough(aws_world):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    at = deployed.last_modified
    # None of these is staging's error since its deploy: production's, 4xx, and before the deploy.
    aws_world.put_metric("Errors", 4, at + timedelta(minutes=2), function="scc-dispatch-production")
    aws_world.put_metric("Url4xxCount", 9, at + timedelta(minutes=2))
    aws_world.put_metric("Url5xxCount", 7, at - timedelta(minutes=5))
    verdict = aws_world.check(now=at + timedelta(minutes=11))
    assert verdict.allowed, verdict.reasons
    assert verdict.errors.counts == {"Errors": 0, "Url5xxCount": 0}
    assert "live 11.0 min (at least 10 min required)" in verdict.facts[0]


@pytest.mark.parametrize(("metric", "label"), [("Url5xxCount", "Function URL 5xx 2"), ("Errors", "Lambda Errors 2")])
def test_gate_refuses_with_the_numbers_when_staging_served_errors(aws_world, metric, label):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    aws_world.put_metric(metric, 1, deployed.last_modified + timedelta(minutes=3))
    aws_world.put_metric(metric, 1, deployed.last_modified + timedelta(minutes=9))
    verdict = aws_world.check(now=deployed.last_modified + timedelta(minutes=30))
    assert [code for code, _ in verdict.reasons] == ["errors"]
    assert label in verdict.reasons[0][1] and "make logs STAGE=staging" in verdict.reasons[0][1]
    assert verdict.errors.total == 2


def test_gate_refuses_until_staging_has_been_live_long_enough(aws_world):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    verdict = aws_world.check(now=deployed.last_modified + timedelta(minutes=3))
    assert [code for code, _ in verdict.reasons] == ["too-early"]
    ready = deployed.last_modified + timedelta(minutes=10)
    assert (
        f"live 3.0 min, less than PROMOTE_MIN_MINUTES=10: try again after {ready:%H:%M} UTC" in (verdict.reasons[0][1])
    )
    assert aws_world.check(now=deployed.last_modified + timedelta(minutes=3), min_minutes=2).allowed


def test_gate_refuses_when_staging_changed_after_its_smoke_check(aws_world):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    aws_world.lambda_client.update_function_code(FunctionName=STAGING.function, ZipFile=_zip(b"someone else's"))
    verdict = aws_world.check(now=deployed.last_modified + timedelta(minutes=30))
    assert [code for code, _ in verdict.reasons] == ["staging-changed"]
    assert "run make deploy-staging again" in verdict.reasons[0][1]


def test_force_overrides_the_gate_loudly_and_is_recorded(aws_world):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    aws_world.put_metric("Url5xxCount", 2, deployed.last_modified + timedelta(minutes=1))
    now = deployed.last_modified + timedelta(minutes=4)
    fields, output = aws_world.authorize(now, force=True)
    assert fields == {"staging_errors": "Errors:0,Url5xxCount:2", "forced": "yes", "overrode": "too-early,errors"}
    assert "!! FORCED PROMOTION of" in output and "Function URL 5xx 2" in output and "live 4.0 min" in output
    [line] = history.read(aws_world.log_dir)
    assert line.startswith(
        f"{now:%Y-%m-%dT%H:%M:%SZ} action=promote stage=production commit={aws_world.head[:12]} who="
    )
    assert line.endswith("result=forced staging_errors=Errors:0,Url5xxCount:2 overrode=too-early,errors")


def test_force_does_not_stand_in_for_a_staging_smoke_check(aws_world):
    aws_world.deploy_function()
    fields, output = aws_world.authorize(datetime.now(UTC), force=True)
    assert fields is None
    assert f"promote refused: no passing staging smoke check for {aws_world.head}" in output
    assert "--force does not stand in" in output
    [line] = history.read(aws_world.log_dir)
    assert line.endswith("result=refused staging_errors=unknown reasons=no-staging-smoke")


def test_make_promote_refuses_with_the_numbers_when_staging_served_errors(aws_world):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    aws_world.put_metric("Errors", 1, datetime.now(UTC))
    aws_world.put_metric("Url5xxCount", 2, datetime.now(UTC))
    result = aws_world.make("promote", PROMOTE_MIN_MINUTES="0")
    assert result.returncode != 0, result.stdout + result.stderr
    assert (
        "promote refused: staging served errors since its deploy: Lambda Errors 1, Function URL 5xx 2." in result.stdout
    ), result.stdout + result.stderr
    [line] = history.read(aws_world.log_dir)
    assert "result=refused staging_errors=Errors:1,Url5xxCount:2 reasons=errors" in line


def test_make_promote_refuses_while_staging_is_younger_than_promote_min_minutes(aws_world):
    deployed = aws_world.deploy_function()
    aws_world.smoke_passed(deployed)
    result = aws_world.make("promote")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "less than PROMOTE_MIN_MINUTES=10" in result.stdout, result.stdout + result.stderr
    assert "since then: Lambda Errors 0, Function URL 5xx 0" in result.stdout
    assert "reasons=too-early" in history.read(aws_world.log_dir)[0]


def test_make_logs_shows_the_stage_errors_whole_and_nothing_else(aws_world):
    aws_world.deploy_function()
    now = datetime.now(UTC)
    group, stream = STAGING.log_group, "2026/11/27/[$LATEST]0123abcd"
    aws_world.logs.create_log_group(logGroupName=group)
    aws_world.logs.create_log_stream(logGroupName=group, logStreamName=stream)
    traceback = (
        "[ERROR]\t2026-11-27T11:04:02.117Z\t3f1c\tInternal Server Error: /_staging/api/payment-log\n"
        "Traceback (most recent call last):\n"
        '  File "/var/task/payments/views.py", line 40, in payment_log\n'
        "ZeroDivisionError: division by zero"
    )
    events = [
        (now - timedelta(hours=3), "[ERROR]\tan error from before the window"),
        (now - timedelta(minutes=20), "START RequestId: 3f1c Version: $LATEST"),
        (now - timedelta(minutes=20), "[INFO]\t2026-11-27T11:04:02Z\t3f1c\tsigned in: alice"),
        (now - timedelta(minutes=19), traceback),
        (now - timedelta(minutes=19), traceback.replace("11:04:02.117Z\t3f1c", "11:04:03.501Z\t8e2d")),
        (now - timedelta(minutes=18), "[WARNING]\t2026-11-27T11:05:00Z\t9a9a\tunreadable record in event x"),
        (now - timedelta(minutes=5), "2026-11-27T11:20:31Z 7b7b Task timed out after 30.03 seconds"),
        (now - timedelta(minutes=5), "REPORT RequestId: 7b7b Duration: 30000.00 ms"),
    ]
    aws_world.logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": int(at.timestamp() * 1000), "message": message} for at, message in events],
    )
    result = aws_world.make("logs", "STAGE=staging")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "scc-dispatch-staging: updated" in out and "since then Lambda Errors 0, Function URL 5xx 0" in out
    assert "    ZeroDivisionError: division by zero" in out  # the traceback comes whole, indented
    assert out.count("ZeroDivisionError") == 1 and "--- 2 times, " in out  # one error twice: shown once
    assert "8e2d\tInternal Server Error" in out  # the latest occurrence
    assert "Task timed out after 30.03 seconds" in out
    for absent in ("before the window", "signed in", "unreadable record", "START RequestId", "REPORT RequestId"):
        assert absent not in out
    assert out.index("Internal Server Error") < out.index("Task timed out")
    assert "==> 3 errors, 2 kinds." in out


def test_occurrences_of_one_error_share_a_signature_and_different_errors_do_not():
    timeout = "2026-11-27T11:20:31.120Z 7b7b7b7b Task timed out after 30.03 seconds"
    assert cloudwatch.signature(timeout) == cloudwatch.signature(timeout.replace("7b7b7b7b", "0c0c0c0c"))
    first = "[ERROR]\t2026-11-27T11:04:02.117Z\t3f1c\tInternal Server Error: /audit/\nTraceback...\nKeyError: 'x'"
    assert cloudwatch.signature(first) == cloudwatch.signature(first.replace("3f1c", "9a9a"))
    assert cloudwatch.signature(first) != cloudwatch.signature(first.replace("KeyError: 'x'", "KeyError: 'y'"))
    assert cloudwatch.signature(first) != cloudwatch.signature(first.replace("/audit/", "/audit.csv"))


def test_the_deploy_smoke_check_finds_the_function_url_it_calls_directly(aws_world):
    aws_world.deploy_function()
    assert aws.function_url(aws_world.lambda_client, STAGING.function) is None
    aws_world.lambda_client.create_function_url_config(FunctionName=STAGING.function, AuthType="NONE")
    url = aws.function_url(aws_world.lambda_client, STAGING.function)
    assert url.startswith("https://") and ".lambda-url." in url
