"""Email misconfiguration stops the app at start with a clear message, not at the first send."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(code_or_args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SCC_", "DJANGO_", "AWS_"))}
    clean.update({"DJANGO_SECRET_KEY": "s" * 60, "DJANGO_SETTINGS_MODULE": "scc.settings", **env})
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )


PRINT_BACKEND = "from django.conf import settings; print(settings.EMAIL_BACKEND)"


@pytest.mark.parametrize("backend", ["ses", "smtp"])
def test_sending_backend_without_sender_fails_at_start(backend):
    result = run(["manage.py", "check"], SCC_EMAIL_BACKEND=backend)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"SCC_EMAIL_BACKEND={backend} needs SCC_EMAIL_FROM" in result.stderr


def test_unknown_backend_fails_at_start():
    result = run(PRINT_BACKEND, SCC_EMAIL_BACKEND="sendgrid", SCC_EMAIL_FROM="d@scc.test")
    assert result.returncode != 0 and "SCC_EMAIL_BACKEND must be one of" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SCC_EMAIL_BACKEND": "ses", "SCC_EMAIL_FROM": "d@scc.test"}, "django_ses.SESBackend"),
        ({"SCC_EMAIL_BACKEND": "smtp", "SCC_EMAIL_FROM": "d@scc.test"}, "django.core.mail.backends.smtp.EmailBackend"),
        ({"DJANGO_DEBUG": "1"}, "django.core.mail.backends.filebased.EmailBackend"),  # make run's default
        ({"SCC_EMAIL_BACKEND": "console"}, "django.core.mail.backends.console.EmailBackend"),
    ],
)
def test_valid_configurations_start(env, expected):
    result = run(PRINT_BACKEND, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
