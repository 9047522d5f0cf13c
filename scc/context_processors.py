from django.conf import settings

from scc.authentication import get_principal


def operator(request):
    # A callable: templates load the operator only when they use it.
    return {"operator": lambda: get_principal(request), "url_prefix": settings.URL_PREFIX}
