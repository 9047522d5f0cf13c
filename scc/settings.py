"""Settings, all from the environment (see README "Settings")."""

import os
import re
from pathlib import Path

from botocore.config import Config as BotoConfig
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set unless DJANGO_DEBUG=1.")
    SECRET_KEY = "local-development-only-" + "x" * 40
# Rotating the key: put the old one here (comma-separated) and sessions and tokens signed with it
# keep working (sessions are re-signed with the new key on their next request).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# Behind CloudFront the Host is the Lambda Function URL's, never the viewer's.
if not DEBUG:
    ALLOWED_HOSTS.append(f".lambda-url.{env('AWS_REGION', 'us-east-1')}.on.aws")
CSRF_TRUSTED_ORIGINS = env_list("SCC_CSRF_TRUSTED_ORIGINS")

# The site's address as patrons reach it (e.g. https://dispatch.example.com): full links such as
# the waiver's are built from it, never from the Host header (behind CloudFront that is the Lambda's).
PUBLIC_URL = env("SCC_PUBLIC_URL").rstrip("/")
if PUBLIC_URL and not re.fullmatch(r"https?://[^/?#\s]+", PUBLIC_URL):
    raise ImproperlyConfigured("SCC_PUBLIC_URL must be an origin such as https://dispatch.example.com (no path).")

# "/_staging" for the staging slot; every URL the app makes carries it.
URL_PREFIX = env("SCC_URL_PREFIX").rstrip("/")
if URL_PREFIX and not URL_PREFIX.startswith("/"):
    raise ImproperlyConfigured("SCC_URL_PREFIX must start with '/', e.g. /_staging.")

INSTALLED_APPS = [
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "scc",
    "accounts",
    "events",
    "payments",
]

MIDDLEWARE = [
    "scc.origin.OriginCheckMiddleware",  # first: a request that did not come through CloudFront does nothing
    "django.middleware.security.SecurityMiddleware",
    "scc.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "scc.middleware.DynamoDBOutageMiddleware",
]

ROOT_URLCONF = "scc.urls"
WSGI_APPLICATION = "scc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.user",
                "scc.context_processors.url_prefix",
                "scc.context_processors.csrf_cookie_name",
            ],
        },
    },
]

# No relational database: data lives in DynamoDB, sessions in signed cookies.
DATABASES = {}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Staging and production share one CloudFront domain: keep their cookies apart.
_cookie_suffix = URL_PREFIX.strip("/").replace("/", "_")
SESSION_COOKIE_NAME = "scc_session" + (f"_{_cookie_suffix}" if _cookie_suffix else "")
CSRF_COOKIE_NAME = "scc_csrftoken" + (f"_{_cookie_suffix}" if _cookie_suffix else "")
SESSION_COOKIE_PATH = URL_PREFIX or "/"
CSRF_COOKIE_PATH = URL_PREFIX or "/"
LOGIN_URL = "login"
CSRF_FAILURE_VIEW = "scc.errors.csrf_failure"

LANGUAGE_CODE = "en-us"
# Where the club's trips happen: event start times are entered and shown in this zone.
TIME_ZONE = env("SCC_TIME_ZONE", "America/Los_Angeles")
USE_I18N = False
USE_TZ = True

STATIC_URL = f"{URL_PREFIX}/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_BUCKET = env("SCC_STATIC_BUCKET")
STATIC_DOMAIN = env("SCC_STATIC_DOMAIN")
# The S3 manifest lives here (and in the Lambda zip) so a cold start never fetches it.
STATIC_MANIFEST_DIR = Path(env("SCC_STATIC_MANIFEST_DIR") or BASE_DIR / "scc" / "static_manifest")
if STATIC_BUCKET:
    STORAGES = {
        "staticfiles": {
            "BACKEND": "scc.storage.S3StaticStorage",
            "OPTIONS": {
                "bucket_name": STATIC_BUCKET,
                "location": f"{URL_PREFIX.strip('/')}/static".lstrip("/"),
                "custom_domain": STATIC_DOMAIN or None,
                "querystring_auth": False,
                "file_overwrite": True,
            },
        },
    }
else:
    STORAGES = {
        "staticfiles": {
            "BACKEND": "scc.storage.AppStaticFilesStorage",
        },
    }
# A production-mode run without collectstatic still serves files from static/.
WHITENOISE_USE_FINDERS = True

# DynamoDB
AWS_REGION = env("AWS_REGION", "us-east-1")
DYNAMODB_HOST = env("SCC_DYNAMODB_HOST") or None
EVENTS_TABLE = env("SCC_EVENTS_TABLE", "scc-events")
OPERATORS_TABLE = env("SCC_OPERATORS_TABLE", "scc-operators")
# Lockout and rate-limit counters (DynamoDB TTL deletes them); empty: "<OPERATORS_TABLE>-counters".
COUNTERS_TABLE = env("SCC_COUNTERS_TABLE")
# Models that dynamodb_setup creates, as dotted paths so scc imports no app.
DYNAMODB_MODELS = ["accounts.models.Operator", "accounts.models.Counter", "events.models.Event"]

# Sign-in
ADMIN_PASS_HASH = env("ADMIN_PASS_HASH")
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60
# Sign-ins of one name past the limit wait this long for attempts still being checked (one hash and
# a few writes) before being refused: a burst of right passwords all get in, wrong ones never more than 5.
LOGIN_IN_FLIGHT_SECONDS = 3
API_TOKEN_MAX_AGE = 12 * 60 * 60
# Every password set (operators page, API, account page, manage.py operators) passes these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# With it set, only requests carrying it in X-SCC-Origin-Verify are served (CloudFront adds it;
# scc/origin.py). Comma-separated during a rotation: the first is the one cloudfront_routes sets.
ORIGIN_SECRET = env("SCC_ORIGIN_SECRET")
# Public waiver signing per client address: a family at the dock signs a few; a script cannot flood a roster.
WAIVER_SIGNINGS_PER_WINDOW = 20
WAIVER_RATE_WINDOW_SECONDS = 10 * 60

# A Function URL buffers a response and refuses one over 6 MB, so on Lambda the audit CSV stops
# below that and says so in its last line (scc.spreadsheet.capped). Bytes of CSV; 0: no limit.
# 4,000,000 goes out as at most ~5.3 MB: large text bodies go base64 when that is smaller (scc.lambda_http).
CSV_MAX_BYTES = int(env("SCC_CSV_MAX_BYTES", "4000000" if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else "0"))

# Email
EMAIL_FROM = env("SCC_EMAIL_FROM", "dispatch@localhost" if DEBUG else "")
DEFAULT_FROM_EMAIL = EMAIL_FROM or "webmaster@localhost"
EMAIL_REPLY_TO = env("SCC_EMAIL_REPLY_TO", EMAIL_FROM)
_EMAIL_BACKENDS = {
    "ses": "django_ses.SESBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
EMAIL_BACKEND_NAME = env("SCC_EMAIL_BACKEND", "file")
if EMAIL_BACKEND_NAME not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"SCC_EMAIL_BACKEND must be one of {', '.join(_EMAIL_BACKENDS)}; got {EMAIL_BACKEND_NAME!r}."
    )
if EMAIL_BACKEND_NAME in {"ses", "smtp"} and not EMAIL_FROM:
    raise ImproperlyConfigured(f"SCC_EMAIL_BACKEND={EMAIL_BACKEND_NAME} needs SCC_EMAIL_FROM.")
EMAIL_BACKEND = _EMAIL_BACKENDS[EMAIL_BACKEND_NAME]
EMAIL_FILE_PATH = BASE_DIR / "var" / "outbox"
EMAIL_HOST = env("SCC_SMTP_HOST", "localhost")
EMAIL_PORT = int(env("SCC_SMTP_PORT", "587"))
EMAIL_HOST_USER = env("SCC_SMTP_USER")
EMAIL_HOST_PASSWORD = env("SCC_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("SCC_SMTP_TLS", default=True)
EMAIL_TIMEOUT = 10
AWS_SES_REGION_NAME = AWS_REGION
AWS_SES_REGION_ENDPOINT = f"email.{AWS_REGION}.amazonaws.com"
AWS_SES_REGION_ENDPOINT_URL = env("SCC_SES_ENDPOINT_URL") or None
# One mail per request: django-ses's throttle would cost a GetSendQuota call (and IAM permission) per send.
AWS_SES_AUTO_THROTTLE = None
# Fail within seconds rather than botocore's 60 s default: the operator's request is waiting.
AWS_SES_CONFIG = BotoConfig(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"})

# Security: production values make `check --deploy` clean.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # CloudFront and Function URLs terminate TLS and say so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SCC_SSL_REDIRECT", default=True)
    # Matched against the path without its leading "/", so staging's carries its prefix.
    SECURE_REDIRECT_EXEMPT = [rf"^{URL_PREFIX.lstrip('/') + '/' if URL_PREFIX else ''}healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy: no inline script or style anywhere; scripts are static files.
_static_origin = [f"https://{STATIC_DOMAIN}"] if STATIC_DOMAIN else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_static_origin],
        "style-src": ["'self'", *_static_origin],
        "img-src": ["'self'", "data:", *_static_origin],
        "font-src": ["'self'", *_static_origin],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("SCC_LOG_LEVEL", "INFO")},
    "loggers": {"pynamodb": {"level": "WARNING"}, "botocore": {"level": "WARNING"}},
}
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    # Keep the Lambda runtime's log handler: it writes each record, traceback included, as one
    # CloudWatch event with its level and request id. A stream handler's output becomes one event
    # per line, and `make logs` could not show an error whole. So on Lambda only levels are set.
    LOGGING = {
        "version": 1,
        "incremental": True,
        "root": {"level": LOGGING["root"]["level"]},
        "loggers": LOGGING["loggers"],
    }


def _baked_version(path):
    """The commit `make package` stamped into the zip (deploy/stamp_version.py); "dev" in a checkout."""
    try:
        version = path.read_text().strip()
    except OSError:
        return "dev"
    return version if re.fullmatch(r"[0-9a-f]{7,40}(-dirty)?", version) else "unknown"


# Reported by /healthz so a smoke check can tell which commit answers. Not read from git at run time.
VERSION = _baked_version(BASE_DIR / "scc" / "VERSION")
