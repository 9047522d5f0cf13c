"""The Lambda entry point (zappa_settings.json "lambda_handler").

Function URL requests go straight to Django (scc/lambda_http.py). Every other event (`zappa manage`,
`zappa invoke`, keep-warm pings...) goes to Zappa's own handler, imported only then: importing it
costs a cold start boto3 and werkzeug (BENCHMARKS.md, "Cold start").

With INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT=1 (zappa_settings.json) Django is set up and the first
requests' work done at import, in Lambda's init phase (scc/warmup.py; SCC_LAMBDA_WARMUP=0 skips the
warm-up); without it, on the first request.
"""

import gc
import importlib
import logging
import os

from scc import lambda_http

logger = logging.getLogger(__name__)

# zappa_settings.py, which `zappa package` writes into the zip, features the translation above does not do.
UNSUPPORTED = ("REMOTE_ENV", "ARCHIVE_PATH", "SLIM_HANDLER", "APP_MODULE", "BASE_PATH", "CONTEXT_HEADER_MAPPINGS")
_application = None


def _settings():
    settings = importlib.import_module("zappa_settings")
    used = [name for name in UNSUPPORTED if getattr(settings, name, None)]
    if used:
        raise RuntimeError(f"zappa_settings sets {', '.join(used)}, which scc.lambda_entry does not support")
    return settings


def _ready():
    """Django's WSGI application, set up on first use (or at import: see the module's docstring)."""
    global _application
    if _application is None:
        # Set-up allocates hundreds of thousands of long-lived objects and frees few: the collector's
        # passes over them cost ~40 ms of a cold start and find nothing.
        gc.disable()
        try:
            _application = _set_up()
        finally:
            gc.freeze()  # what set-up loaded stays: later collections need not walk it
            gc.enable()
    return _application


def _set_up():
    settings = _settings()
    os.environ.update(settings.ENVIRONMENT_VARIABLES)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.DJANGO_SETTINGS)
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if os.environ.get("SCC_LAMBDA_WARMUP", "1") != "0":
        from scc.warmup import warm_up

        try:
            warm_up(application)
        except Exception:
            # Only a head start: without it the first requests do the same work themselves.
            logger.exception("Warm-up failed; serving without it")
    return application


def lambda_handler(event, context):
    if lambda_http.is_http_event(event):
        return lambda_http.handle(_ready(), event, context)
    _ready()
    from zappa.handler import lambda_handler as zappa_lambda_handler

    return zappa_lambda_handler(event, context)


if os.environ.get("INSTANTIATE_LAMBDA_HANDLER_ON_IMPORT"):
    _ready()
