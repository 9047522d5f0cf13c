"""Lambda Function URL requests (payload 2.0) to WSGI and back, as Zappa 0.63's handler translates them.

Kept to what a Function URL sends and Django needs, so the entry point need not import Zappa's
handler (boto3 and werkzeug at module level: see BENCHMARKS.md). Differences from Zappa,
on purpose: each Set-Cookie is sent once and without a leading space (Zappa's middleware sends each
twice), and a base64 body is decoded whatever the method.
"""

import base64
import json
import logging
import sys
import time
from datetime import UTC, datetime
from io import BytesIO
from urllib.parse import unquote

access_log = logging.getLogger("scc.access")

# Bodies of other types go back base64-encoded (Zappa's "binary_support" and its text types).
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/ecmascript",
    "application/xml",
    "application/xml-external-parsed-entity",
    "application/xml-dtd",
    "image/svg+xml",
)


def is_http_event(event):
    return isinstance(event, dict) and event.get("version") == "2.0" and "http" in event.get("requestContext", {})


def _wsgi_string(value):
    return value.encode("utf-8").decode("iso-8859-1")


def _client_address(forwarded_for):
    # The last address is CloudFront's; the one before it is the viewer's; earlier ones are the client's word.
    addresses = [address.strip() for address in forwarded_for.split(",")]
    if len(addresses) > 1:
        return addresses[-2]
    return addresses[0] or "127.0.0.1"


def wsgi_environ(event, context=None):
    """The WSGI environ for a Function URL event (HTTPS: the Function URL and CloudFront terminate TLS)."""
    headers = {name.title(): value for name, value in (event.get("headers") or {}).items()}
    if event.get("cookies"):
        headers["Cookie"] = "; ".join(event["cookies"])
    body = event.get("body") or ""
    body = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    environ = {
        "REQUEST_METHOD": event["requestContext"]["http"]["method"],
        "PATH_INFO": _wsgi_string(unquote(event.get("rawPath") or "/")),
        "QUERY_STRING": _wsgi_string(event.get("rawQueryString") or ""),
        "REMOTE_ADDR": _client_address(headers.get("X-Forwarded-For", "")),
        "SCRIPT_NAME": "",
        "SERVER_NAME": headers.get("Host", "lambda"),
        "SERVER_PORT": headers.get("X-Forwarded-Port", "443"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTPS": "on",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multiprocess": False,
        "wsgi.multithread": False,
        "wsgi.run_once": False,
        "lambda.event": event,
        "lambda.context": context,
    }
    if "Content-Type" in headers:
        environ["CONTENT_TYPE"] = headers["Content-Type"]
    for name, value in headers.items():
        if name not in ("Content-Type", "Content-Length"):
            environ["HTTP_" + name.upper().replace("-", "_")] = str(value)
    return environ


def _is_text(headers):
    if headers.get("Content-Encoding"):
        return False
    mimetype = headers.get("Content-Type", "").split(";")[0].strip().lower()
    return mimetype.startswith(TEXT_TYPES)


def call_wsgi(application, environ):
    """(status code, [(name, value)], body bytes) from a WSGI application."""
    started = []

    def start_response(status, response_headers, exc_info=None):
        started[:] = [status, response_headers]

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()  # Django sends request_finished here
    status, response_headers = started
    return int(status.split(" ", 1)[0]), response_headers, body


# A Function URL refuses a response over 6 MB, counted as the JSON Lambda hands it: a text body grows
# there by its escapes (quotes, line ends, non-ASCII as \uXXXX: up to 6x), a base64 one by exactly
# 4/3. So a large text body goes base64 when that is smaller, and its size on the wire is predictable.
LARGE_TEXT_BYTES = 1_000_000


def _send_as_text(body):
    if len(body) < LARGE_TEXT_BYTES:
        return True
    return len(json.dumps(body.decode("utf-8"))) <= 2 + (len(body) + 2) // 3 * 4


def function_url_response(status, response_headers, body):
    """What a Function URL expects back: cookies apart, repeated headers comma-joined, binary bodies base64."""
    headers, cookies = {}, []
    for name, value in response_headers:
        if name.lower() == "set-cookie":
            cookies.append(value.strip())  # Django's WSGI handler leaves a leading space
        elif name in headers:
            headers[name] = f"{headers[name]},{value}"
        else:
            headers[name] = value
    text = _is_text(headers) and _send_as_text(body)
    if not body:
        payload = None
    elif text:
        payload = body.decode("utf-8")
    else:
        payload = base64.b64encode(body).decode("ascii")
    return {
        "cookies": cookies,
        "isBase64Encoded": bool(body) and not text,
        "statusCode": status,
        "headers": headers,
        "body": payload,
    }


def log_request(environ, status, size, seconds):
    """One access line per request in NCSA combined format (`zappa tail --http` keys on the address)."""
    query = f"?{environ['QUERY_STRING']}" if environ["QUERY_STRING"] else ""
    access_log.info(
        '%s - - [%s] "%s %s%s %s" %s %s "%s" "%s" %d/%d',
        environ["REMOTE_ADDR"],
        datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S %z"),
        environ["REQUEST_METHOD"],
        environ["PATH_INFO"],
        query,
        environ["SERVER_PROTOCOL"],
        status,
        size,
        environ.get("HTTP_REFERER", ""),
        environ.get("HTTP_USER_AGENT", ""),
        int(seconds),
        int(seconds * 1_000_000),
    )


def handle(application, event, context=None):
    """Answer one Function URL event with a WSGI application."""
    started = time.perf_counter()
    environ = wsgi_environ(event, context)
    status, response_headers, body = call_wsgi(application, environ)
    log_request(environ, status, len(body), time.perf_counter() - started)
    return function_url_response(status, response_headers, body)
