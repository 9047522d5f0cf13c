"""`make package STAGE=staging`: the zip Lambda runs, built offline from the runtime-only venv, with bytecode
for the runtime's Python (~40 s; ~60 s the first time, when it creates var/lambda/venv). The Make target
itself runs the zip as Lambda would (deploy/check_package.py); these tests also prove that check fails on
a zip without bytecode or with stale bytecode, and that the build refuses another Python."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import pytest

from tests.dynalite import ROOT

pytestmark = pytest.mark.zappa

LAMBDA_PYTHON = ROOT / "var" / "lambda" / "venv" / "bin" / "python"
ZIP = ROOT / "dist" / "lambda-staging.zip"


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_", "AWS_"))}


@pytest.fixture(scope="module")
def package():
    result = subprocess.run(
        ["make", "--no-print-directory", "package", "STAGE=staging"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def check_package(zip_path):
    site_packages = subprocess.run(
        [LAMBDA_PYTHON, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return subprocess.run(
        [LAMBDA_PYTHON, "deploy/check_package.py", str(zip_path), site_packages, "staging"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def rewrite_zip(source, target, *, keep=lambda name: True, change=None):
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            if keep(info.filename):
                data = original.read(info)
                out.writestr(info, change(info.filename, data) if change else data)


def test_make_package_builds_a_small_runtime_only_zip_with_bytecode_that_serves_requests(package):
    assert "sign-in page, dispatch page, payment-log answered, every module loaded from bytecode" in package
    # The init warm-up (scc/warmup.py) left each first request nothing to import.
    for request in ("sign-in page", "dispatch page", "payment-log"):
        assert f"{request}: modules the first request itself imported from the zip: none" in package
    assert ZIP.stat().st_size <= 10 * 2**20
    archive = zipfile.ZipFile(ZIP)
    names = archive.namelist()
    tops = {name.split("/")[0] for name in names}
    for absent in ("boto3", "botocore", "tests", "bench", "node_modules", "var", ".venv", ".git", "dist", "pip"):
        assert absent not in tops, absent
    for absent in ("deploy", ".hypothesis", ".ruff_cache"):  # deploy-time code; what tests and lint leave behind
        assert absent not in tops, absent
    assert not [name for name in names if name.endswith((".po", ".mo"))]
    for present in ("django", "pynamodb", "storages", "django_ses", "whitenoise", "csp", "zappa", "scc", "templates"):
        assert present in tops, present
    # Every module has bytecode for this Python (the runtime's), checked by hash, not by mtime.
    tag = sys.implementation.cache_tag
    sources = [name for name in names if name.endswith(".py")]
    for source in sources:
        folder, _, filename = source.rpartition("/")
        pyc = (f"{folder}/" if folder else "") + f"__pycache__/{filename[:-3]}.{tag}.pyc"
        header = archive.read(pyc)[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, pyc
        assert header[4:8] == b"\x01\x00\x00\x00", pyc  # hash-based, unchecked
        assert header[8:16] == importlib.util.source_hash(archive.read(source)), pyc
    manifest = json.loads(archive.read("scc/static_manifest/staticfiles.json"))
    assert manifest["paths"]["css/scc.css"].startswith("css/scc.")
    settings = archive.read("zappa_settings.py").decode()
    assert "DJANGO_SETTINGS='scc.settings'" in settings and "WEBSOCKET" not in settings

    # The commit is stamped into the zip (deploy/stamp_version.py), and the packaged app reports it.
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    expected = f"{head}-dirty" if dirty.stdout.strip() else head
    assert archive.read("scc/VERSION").decode() == expected + "\n"
    with tempfile.TemporaryDirectory() as task:
        archive.extractall(task)
        reported = subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; print(settings.VERSION)"],
            cwd=task,
            env={**clean_env(), "PYTHONPATH": task, "DJANGO_SETTINGS_MODULE": "scc.settings", "DJANGO_DEBUG": "1"},
            capture_output=True,
            text=True,
        )
    assert reported.stdout.strip() == expected, reported.stderr


def test_check_fails_a_zip_without_bytecode(package, tmp_path):
    bare = tmp_path / "bare.zip"
    rewrite_zip(ZIP, bare, keep=lambda name: not name.endswith(".pyc"))
    result = check_package(bare)
    assert result.returncode != 0
    for request in ("sign-in page", "dispatch page", "payment-log"):
        assert re.search(rf"{request}: \d+ modules from the zip compiled from source at run time", result.stderr)
    assert re.search(r"\d+ modules without valid bytecode, e.g. .*: no .*__pycache__/", result.stderr)


def test_check_fails_bytecode_that_does_not_match_its_source(package, tmp_path):
    # Lambda would run the stale pyc (unchecked): only the build-time hash check can catch it.
    edited = tmp_path / "edited.zip"
    rewrite_zip(ZIP, edited, change=lambda name, data: data + b"\n# edited\n" if name == "scc/views.py" else data)
    result = check_package(edited)
    assert result.returncode != 0
    assert f"scc/__pycache__/views.{sys.implementation.cache_tag}.pyc: does not match its source" in result.stderr


def test_bytecode_refuses_a_python_other_than_the_runtime(tmp_path):
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    other = f"python{sys.version_info.major}.{sys.version_info.minor + 1}"
    settings["staging"]["runtime"] = other
    (tmp_path / "zappa_settings.json").write_text(json.dumps(settings))
    target = tmp_path / "lambda.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("a.py", "x = 1\n")
    result = subprocess.run(
        [sys.executable, "deploy/bytecode.py", str(target), "staging", str(tmp_path / "zappa_settings.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"gives staging the {other} runtime" in result.stderr
    assert zipfile.ZipFile(target).namelist() == ["a.py"]
