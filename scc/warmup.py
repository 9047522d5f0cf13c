"""Lambda's init phase: do the work the first requests would do, without a network call.

A new instance runs its init at full CPU whatever the function's memory (BENCHMARKS.md), and its
first request then finds the URLconf, views, forms, templates, static manifest and DynamoDB client
ready. Nothing here reaches DynamoDB: while it runs, the shared botocore client answers its own
requests (botocore's `before-send` event) and the answers are thrown away.
"""

import contextlib
import logging

from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats
from django.utils.module_loading import import_string

from scc import lambda_http, origin

logger = logging.getLogger(__name__)
WARM_UP_KEY = "__warm-up__"  # never sent: the stub answers first
FIRST_PAGE_TEMPLATES = ("events/dispatch.html", "events/_card.html")  # the dispatch page


def warm_up(application):
    """Run each kind of first request's set-up; `application` is Django's WSGI application."""
    _sign_in_page(application)
    _templates()
    formats.get_format("DATETIME_FORMAT")  # the locale's formats module, for dates on pages
    _dynamodb()


def _sign_in_page(application):
    # A real GET of the sign-in page through every middleware: URLconf (and with it every view, form and
    # service module), sessions, CSRF, messages, CSP, template engine, tags, widgets, static manifest.
    # It reads nothing from DynamoDB.
    headers = {"host": _allowed_host(), "x-forwarded-proto": "https", "user-agent": "warm-up"}
    secrets = origin.accepted_secrets()
    if secrets:  # as CloudFront sends it: without it the origin check answers 403 before any of the above
        headers[origin.HEADER.lower()] = secrets[0]
    event = {
        "version": "2.0",
        "rawPath": reverse("login"),
        "headers": headers,
        "requestContext": {"http": {"method": "GET"}},
    }
    status, _headers, _body = lambda_http.call_wsgi(application, lambda_http.wsgi_environ(event))
    if status != 200:
        logger.warning("Warm-up: the sign-in page answered %s", status)


def _allowed_host():
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            break
        return f"warm-up{host}" if host.startswith(".") else host
    return "localhost"


def _templates():
    # The page signed-in users open first, parsed into the cached loader (the sign-in page's templates
    # are in it already). Other templates are left to their first request: parsing all of them would
    # add ~35 % to the warm-up for pages that rarely open a cold instance (BENCHMARKS.md).
    for name in FIRST_PAGE_TEMPLATES:
        get_template(name)


class _EmptyBody:
    def stream(self, **_):
        yield b"{}"


def _answer(request, **_):
    """botocore's `before-send`: a response here is used instead of sending the request."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse(request.url, 200, {}, _EmptyBody())


def _dynamodb():
    # The operations the app sends, each serialised, routed, signed and its answer parsed once:
    # botocore builds each operation's models and handlers on first use.
    from pynamodb.exceptions import DoesNotExist

    models = {}  # one model per table: several may share one
    for path in settings.DYNAMODB_MODELS:
        model = import_string(path)
        models.setdefault(model.Meta.table_name, model)
    client = next(iter(models.values()))._get_connection().connection.client  # shared by every model (scc.dynamodb)
    client.meta.events.register_first("before-send.dynamodb", _answer, unique_id="scc-warm-up")
    keys = {}
    try:
        for table, model in models.items():
            with contextlib.suppress(DoesNotExist):  # the stub's `{}` holds no item
                model.get(WARM_UP_KEY, consistent_read=True)
            hash_key = next(a.attr_name for a in model.get_attributes().values() if a.is_hash_key)
            key = keys[table] = {hash_key: {"S": WARM_UP_KEY}}
            client.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET #w = :w",
                ConditionExpression="attribute_exists(#w)",
                ExpressionAttributeNames={"#w": "warm_up"},
                ExpressionAttributeValues={":w": {"S": "x"}},
                ReturnValues="ALL_NEW",
            )
            client.scan(TableName=table, Limit=1)
        # Across tables, as payment-log reads the operator and the event (scc.dynamodb.batch_get).
        client.batch_get_item(RequestItems={t: {"Keys": [k], "ConsistentRead": True} for t, k in keys.items()})
    finally:
        client.meta.events.unregister("before-send.dynamodb", unique_id="scc-warm-up")
