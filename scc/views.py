from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from scc import openapi
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


@require_safe
def openapi_json(request):
    """The API document (docs/openapi.yaml): public, the same for everyone, so caches may keep it an hour."""
    response = HttpResponse(openapi.document_bytes(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
