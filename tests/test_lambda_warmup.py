"""Lambda's init phase (INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT=1, scc/warmup.py) reaches no database; keep-warm.

The handler process talks to a listening socket in place of DynamoDB: init (Django's set-up and the
warm-up, which runs the operations the app sends through its botocore client) must leave it untouched;
the first request that reads DynamoDB then connects. That the warm-up leaves the first requests nothing
to import is checked on the built zip (tests/test_lambda_package.py).
"""

import fnmatch
import json
import select
import socket
import threading

import pytest
from zappa.core import Zappa

from tests.dynalite import ROOT
from tests.lambda_events import VIEWER_ORIGIN, Browser, HandlerProcess, build_static_manifest, stage_environment

KEEP_WARM = {
    "detail-type": "Scheduled Event",
    "resources": ["arn:aws:events:us-west-2:123456789012:rule/scc-dispatch-zappa-keep-warm-handler.keep_warm_callback"],
}


@pytest.fixture(scope="module")
def static_manifest_dir(tmp_path_factory):
    """The static manifest `make package` writes into the zip (production pages need it), made here
    so the test does not depend on another test or a package build having run first."""
    return str(build_static_manifest(tmp_path_factory.mktemp("manifest")))


@pytest.mark.parametrize("origin_secret", ["", "from-cloudfront-0123456789"], ids=["open", "origin secret"])
def test_init_and_its_warm_up_reach_no_database(tmp_path, origin_secret, static_manifest_dir):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    handler = HandlerProcess(
        "production",
        tmp_path,
        {
            # With the origin secret the warm-up's own request carries it, as CloudFront's do.
            "SCC_ORIGIN_SECRET": origin_secret,
            "SCC_STATIC_MANIFEST_DIR": static_manifest_dir,
            "DJANGO_SECRET_KEY": "warm-up-test-" + "s" * 50,
            "SCC_CSRF_TRUSTED_ORIGINS": VIEWER_ORIGIN,
            "SCC_EMAIL_FROM": "dispatch@scc.test",
            "SCC_STATIC_BUCKET": "scc-static",
            "SCC_STATIC_DOMAIN": "dispatch.example.test",
            "SCC_DYNAMODB_HOST": f"http://127.0.0.1:{port}",
            "AWS_REGION": "us-west-2",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        },
    )
    try:
        assert handler.call(KEEP_WARM) is None  # answered: init is over
        log = handler.log_path.read_text()
        assert "Warm-up" not in log, log  # neither failed nor fell short
        readable, _, _ = select.select([listener], [], [], 0)
        assert readable == [], "init connected to the database"

        accepted = []

        def refuse_connections():
            # Stand in for an unreachable database: accept, then hang up at once.
            listener.settimeout(30)
            while True:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                accepted.append(connection)
                connection.close()

        thread = threading.Thread(target=refuse_connections, daemon=True)
        thread.start()
        headers = {"x-scc-origin-verify": origin_secret} if origin_secret else {}
        response = Browser(handler).request("GET", "/healthz", headers=headers)
        assert response["statusCode"] == 503
        assert accepted, "the request did not reach the stand-in database"
    finally:
        handler.stop()
        listener.close()


def test_production_keeps_one_instance_warm_with_a_rule_the_deployer_may_create():
    production, staging = stage_environment("production"), stage_environment("staging")
    assert production["keep_warm"] is True and production["keep_warm_expression"] == "rate(4 minutes)"
    assert staging["keep_warm"] is False  # README, "Keep-warm"
    # The rule `zappa update production` schedules, named as Zappa names it, is one deploy/iam-policy.json allows.
    function = "handler.keep_warm_callback"
    rule = Zappa.__new__(Zappa).get_scheduled_event_name(
        {"name": "zappa-keep-warm", "function": function}, function, f"{production['project_name']}-production"
    )
    arn = f"arn:aws:events:us-west-2:ACCOUNT_ID:rule/{rule}"
    policy = json.loads((ROOT / "deploy" / "iam-policy.json").read_text())
    allowed = set()
    for statement in policy["Statement"]:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if any(fnmatch.fnmatchcase(arn, resource) for resource in resources):
            allowed.update(statement["Action"])
    assert {"events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:DeleteRule"} <= allowed
