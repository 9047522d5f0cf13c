"""Answer DynamoDB outages with 503 (our page, or the JSON error shape), never a 500."""

import logging

from django.conf import settings
from django.shortcuts import render
from pynamodb.exceptions import PynamoDBConnectionError, TableDoesNotExist

from scc.errors import error_response, page_context

logger = logging.getLogger("scc.outage")


class DynamoDBOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Services handle the conditions they expect; anything left is the database failing us
        # (unreachable, throttled past botocore's retry budget, missing table).
        if not isinstance(exception, (PynamoDBConnectionError, TableDoesNotExist)):
            return None
        logger.error("DynamoDB unavailable for %s %s: %s", request.method, request.path, exception)
        message = "The database is unavailable right now. Nothing was changed; try again in a minute."
        if request.path.startswith(f"{settings.URL_PREFIX}/api/"):
            response = error_response(503, message)
        else:
            # "user": None: the page must not ask the database who is signed in.
            context = {"message": message, "user": None, **page_context(request)}
            response = render(request, "errors/503.html", context, status=503)
        response["Retry-After"] = "30"
        return response
