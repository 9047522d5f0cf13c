"""`make package STAGE=staging`: the zip Lambda runs, built offline from the runtime-only venv (~15 s; ~35 s
the first time, when it creates var/lambda/venv). The Make target itself runs the zip's handler
(deploy/check_package.py)."""

import json
import os
import subprocess
import sys
import tempfile
import zipfile

import pytest

from tests.dynalite import ROOT

pytestmark = pytest.mark.zappa


def test_make_package_builds_a_small_runtime_only_zip_that_serves_requests():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_", "AWS_"))}
    result = subprocess.run(
        ["make", "--no-print-directory", "package", "STAGE=staging"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "handler answers /_staging/login/, /_staging/static/css/scc.css with 200" in result.stdout

    path = ROOT / "dist" / "lambda-staging.zip"
    assert path.stat().st_size <= 10 * 2**20
    names = zipfile.ZipFile(path).namelist()
    tops = {name.split("/")[0] for name in names}
    for absent in ("boto3", "botocore", "tests", "bench", "node_modules", "var", ".venv", ".git", "dist", "pip"):
        assert absent not in tops, absent
    for absent in ("deploy", ".hypothesis", ".ruff_cache"):  # deploy-time code; what tests and lint leave behind
        assert absent not in tops, absent
    assert not [name for name in names if name.endswith((".pyc", ".po", ".mo"))]
    for present in ("django", "pynamodb", "storages", "django_ses", "whitenoise", "csp", "zappa", "scc", "templates"):
        assert present in tops, present
    manifest = json.loads(zipfile.ZipFile(path).read("scc/static_manifest/staticfiles.json"))
    assert manifest["paths"]["css/scc.css"].startswith("css/scc.")
    settings = zipfile.ZipFile(path).read("zappa_settings.py").decode()
    assert "DJANGO_SETTINGS='scc.settings'" in settings and "WEBSOCKET" not in settings

    # The commit is stamped into the zip (deploy/stamp_version.py), and the packaged app reports it.
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    expected = f"{head}-dirty" if dirty.stdout.strip() else head
    assert zipfile.ZipFile(path).read("scc/VERSION").decode() == expected + "\n"
    with tempfile.TemporaryDirectory() as task:
        zipfile.ZipFile(path).extractall(task)
        reported = subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; print(settings.VERSION)"],
            cwd=task,
            env={**env, "PYTHONPATH": task, "DJANGO_SETTINGS_MODULE": "scc.settings", "DJANGO_DEBUG": "1"},
            capture_output=True,
            text=True,
        )
    assert reported.stdout.strip() == expected, reported.stderr
