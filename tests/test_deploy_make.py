"""`make promote` refuses unless staging's smoke check passed for this very commit (no AWS is reached)."""

import os
import subprocess

from tests.dynalite import ROOT

DEPLOY_ENV = {
    "SCC_STATIC_BUCKET": "scc-static",
    "SCC_STATIC_DOMAIN": "dispatch.example.com",
    "SCC_DISTRIBUTION_ID": "E2EXAMPLE",
    "SCC_PUBLIC_URL": "https://dispatch.example.com",
}


def make(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SCC_"))}
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_promote_needs_the_deploy_settings():
    result = make("promote", env={})
    assert result.returncode != 0
    assert "Set SCC_STATIC_BUCKET" in result.stdout


def test_promote_refuses_without_a_passing_staging_smoke_check_for_this_commit(tmp_path):
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    (tmp_path / "staging-smoke-0123abc").write_text("an older commit passed\n")
    result = make("promote", f"DEPLOY_LOG={tmp_path}", env=DEPLOY_ENV)
    assert result.returncode != 0
    assert f"no passing staging smoke check for {sha}" in result.stdout
