from django.views.decorators.cache import never_cache

from scc.api import ok
from scc.dynamodb import is_reachable
from scc.errors import error_response


@never_cache
def healthz(request):
    if is_reachable():
        return ok()
    return error_response(503, "DynamoDB is unreachable.")
