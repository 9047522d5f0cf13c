"""The Lambda entry point (zappa_settings.json "lambda_handler"): Zappa's real handler, one fix on top.

Zappa 0.63's WSGI middleware keeps every Set-Cookie header and appends a
lower-cased copy of it, so a Function URL response lists each cookie twice.
Django sets a cookie name at most once per response, so exact duplicates can
only be that copy: drop them, keep the order. (Django's WSGI handler also
leaves a leading space on each value, which Lambda would pass on as is.)
"""

from zappa.handler import lambda_handler as zappa_lambda_handler


def lambda_handler(event, context):
    response = zappa_lambda_handler(event, context)
    if isinstance(response, dict) and response.get("cookies"):
        response["cookies"] = list(dict.fromkeys(cookie.strip() for cookie in response["cookies"]))
    return response
