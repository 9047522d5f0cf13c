from django.conf import settings
from django.views.decorators.cache import never_cache

from scc.api import ok
from scc.dynamodb import unreachable_tables
from scc.errors import error_response


@never_cache
def healthz(request):
    # `version` is the commit baked in at packaging: the smoke check compares it with the one just deployed.
    failing = unreachable_tables()
    if failing:
        return error_response(
            503, f"DynamoDB table unreachable: {', '.join(failing)}.", tables=failing, version=settings.VERSION
        )
    return ok(version=settings.VERSION)
