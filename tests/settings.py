"""Settings for the test suite: scc.settings with test-only environment defaults."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "t" * 48)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SCC_EMAIL_BACKEND", "locmem")
os.environ.setdefault("SCC_EMAIL_FROM", "dispatch@scc.test")
os.environ.setdefault("SCC_SSL_REDIRECT", "0")
os.environ.setdefault("SCC_DYNAMODB_HOST", "http://127.0.0.1:1")  # replaced by the dynalite fixture
os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
os.environ.setdefault("AWS_REGION", "us-east-1")

from scc.settings import *  # noqa: E402,F403

# Tests run over plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Sign-ins here take milliseconds: a shorter wait for attempts in flight keeps lockout tests quick
# (tests of concurrent sign-ins set it back).
LOGIN_IN_FLIGHT_SECONDS = 1
# Fast hashing keeps login tests quick; production keeps Django's default.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
