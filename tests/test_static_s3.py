"""Static files on S3 (moto's S3 over HTTP): collectstatic uploads hashed files, the manifest stays local."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.dynalite import ROOT, free_port
from tests.lambda_events import build_static_manifest

pytestmark = pytest.mark.wire

BUCKET = "scc-static-test"
DOMAIN = "dispatch.example.test"


@pytest.fixture(scope="module")
def moto_s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    s3.create_bucket(Bucket=BUCKET)
    yield endpoint, s3
    server.stop()


@pytest.fixture(scope="module")
def offline_manifest(tmp_path_factory):
    """The manifest `make package` writes, offline (deploy/static_manifest.py)."""
    target = build_static_manifest(tmp_path_factory.mktemp("manifest"))
    return json.loads((target / "staticfiles.json").read_text())["paths"]


def manage(args, *, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
    base.update(
        DJANGO_SETTINGS_MODULE="scc.settings",
        DJANGO_SECRET_KEY="static-test-secret-" + "s" * 50,
        SCC_EMAIL_BACKEND="locmem",
        AWS_ACCESS_KEY_ID="x",
        AWS_SECRET_ACCESS_KEY="x",
        AWS_REGION="us-east-1",
    )
    base.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("prefix", ["", "/_staging"])
def test_collectstatic_uploads_hashed_files_and_keeps_the_manifest_local(moto_s3, offline_manifest, tmp_path, prefix):
    endpoint, s3 = moto_s3
    env = {
        "SCC_STATIC_BUCKET": BUCKET,
        "SCC_STATIC_DOMAIN": DOMAIN,
        "SCC_URL_PREFIX": prefix,
        "SCC_STATIC_MANIFEST_DIR": str(tmp_path / "manifest"),
        "AWS_ENDPOINT_URL_S3": endpoint,  # botocore's per-service endpoint variable
    }
    manage(["collectstatic", "--noinput", "-v", "0"], env=env)

    manifest = json.loads((tmp_path / "manifest" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/scc.css"]
    assert hashed_css != "css/scc.css" and hashed_css.startswith("css/scc.")
    assert manifest["paths"] == offline_manifest  # what `make package` writes without AWS
    location = f"{prefix.strip('/')}/static/".lstrip("/")
    keys = {obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET, Prefix=location)["Contents"]}
    assert f"{location}{hashed_css}" in keys
    assert f"{location}staticfiles.json" not in keys  # the manifest is not fetched from S3
    body = s3.get_object(Bucket=BUCKET, Key=f"{location}{hashed_css}")["Body"].read()
    assert body == (ROOT / "static" / "css" / "scc.css").read_bytes()

    # A cold start resolves URLs from the local manifest alone (S3 is unreachable here), without boto3.
    env["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9"
    code = (
        "import sys; from django.templatetags.static import static; "
        "print(static('css/scc.css'), 'boto3' in sys.modules)"
    )
    url, boto3_loaded = manage(["shell", "-v", "0", "-c", code], env=env).split()
    assert url == f"https://{DOMAIN}/{location}{hashed_css}"
    assert boto3_loaded == "False"
