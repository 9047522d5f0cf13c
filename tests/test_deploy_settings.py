"""Production settings as the Lambda gets them: `manage.py check --deploy` reports nothing."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.dynalite import ROOT
from tests.lambda_events import stage_environment


@pytest.mark.parametrize("stage", ["production", "staging"])
def test_check_deploy_is_clean_with_production_settings(stage):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
    env.update(stage_environment(stage)["aws_environment_variables"])
    env.update(
        DJANGO_SETTINGS_MODULE="scc.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SCC_CSRF_TRUSTED_ORIGINS="https://dispatch.example.com",
        SCC_EMAIL_FROM="dispatch@example.com",
        SCC_STATIC_BUCKET="scc-static",
        SCC_STATIC_DOMAIN="dispatch.example.com",
        SCC_ORIGIN_SECRET=secrets.token_urlsafe(32),
        AWS_REGION="us-west-2",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout + result.stderr


def test_check_deploy_warns_without_the_origin_secret():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="scc.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SCC_EMAIL_FROM="dispatch@example.com",
        AWS_REGION="us-west-2",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        "scc.W001" in result.stdout + result.stderr and "SCC_ORIGIN_SECRET is not set" in result.stdout + result.stderr
    )


def test_zappa_settings_hold_no_secrets_and_a_child_stage_repeats_the_environment():
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    text = json.dumps(settings).upper()
    for secret in ("SECRET_KEY", "PASS_HASH", "PASSWORD", "AWS_SECRET_ACCESS_KEY"):
        assert secret not in text
    # `extends` is a shallow merge: production must list every variable staging sets.
    staging_keys = set(stage_environment("staging")["aws_environment_variables"])
    assert set(stage_environment("production")["aws_environment_variables"]) == staging_keys
    for stage in ("staging", "production"):
        config = stage_environment(stage)
        assert config["function_url_enabled"] is True and config["apigateway_enabled"] is False
        assert config["function_url_config"] == {"authorizer": "NONE", "cors": False}
        assert config["debug"] is False and config["django_settings"] == "scc.settings"
        assert config["runtime"] == f"python{sys.version_info.major}.{sys.version_info.minor}"


LOG_PROBE = r"""
import logging, sys
import django

class RuntimeHandler(logging.Handler):
    # Stands where the Lambda runtime's handler stands: on the root logger before the app loads.
    def emit(self, record):
        sys.stdout.write("RECORD " + repr(self.format(record)) + "\n")

runtime = RuntimeHandler()
logging.getLogger().addHandler(runtime)
django.setup()
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("django.request").error("Internal Server Error: /x", exc_info=True)
logging.getLogger("scc").debug("not at INFO")
print("KEPT", runtime in logging.getLogger().handlers, logging.getLevelName(logging.getLogger().level))
"""


@pytest.mark.parametrize("on_lambda", [True, False])
def test_on_lambda_the_runtime_log_handler_stays_so_a_traceback_is_one_event(on_lambda):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_", "AWS_LAMBDA_"))}
    env.update(DJANGO_SETTINGS_MODULE="scc.settings", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), SCC_LOG_LEVEL="INFO")
    if on_lambda:
        env["AWS_LAMBDA_FUNCTION_NAME"] = "scc-dispatch-staging"
    result = subprocess.run(
        [sys.executable, "-c", LOG_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    records = [line for line in result.stdout.splitlines() if line.startswith("RECORD ")]
    if on_lambda:
        # One record carrying message and traceback (the runtime writes it as one CloudWatch event).
        assert len(records) == 1 and "Internal Server Error: /x" in records[0] and "ZeroDivisionError" in records[0]
        assert "KEPT True INFO" in result.stdout
        assert "Traceback" not in result.stderr
    else:
        # Locally our console handler replaces whatever was there and writes to stderr.
        assert records == [] and "KEPT False INFO" in result.stdout
        assert "Internal Server Error: /x" in result.stderr and "ZeroDivisionError" in result.stderr
