"""Answer DynamoDB outages with 503 (our page, or the JSON error shape), never a 500; refuse
requests whose framing is malformed with 400 before anything reads their body."""

import codecs
import logging

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from pynamodb.exceptions import PynamoDBConnectionError, TableDoesNotExist

from scc.errors import error_response, page_context

logger = logging.getLogger("scc.outage")


class MalformedRequestMiddleware:
    """400 before anything reads the request, for framing the app cannot read:

    - a Content-Length that is not a number of bytes: Django reads it with int() when the body is
      first read (a ValueError, so a 500). Behind the Function URL, Zappa sets it from the body;
      a server in front of runserver or gunicorn may pass anything;
    - a Content-Type charset other than UTF-8 (any method): Django decodes the query string and
      form fields with it, and text it decoded may not encode back (a 500 when a page builds a link
      from the query). Every page and the API speak UTF-8, and browsers send it back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()):
            return self._refuse(request, "Content-Length must be a number of bytes.")
        charset = request.content_params.get("charset") if request.content_params else None
        if charset is not None and _codec(charset) != "utf-8":
            return self._refuse(request, "Send the request in UTF-8 (charset=utf-8).")
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message):
        if request.path.startswith(f"{settings.URL_PREFIX}/api/"):
            return error_response(400, message)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _codec(name):
    try:
        return codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        return None


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
