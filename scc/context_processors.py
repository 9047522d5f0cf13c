from django.conf import settings


def url_prefix(request):
    return {"url_prefix": settings.URL_PREFIX}
