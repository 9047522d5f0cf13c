"""`request.user`, set lazily (as django.contrib.auth does): the operator is read only when a view,
a decorator or a template asks. Responses to signed-in requests are never stored by any cache."""

from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from accounts import backends, credentials


class AuthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        claim = credentials.identify(request)  # who the request says it is: no I/O
        lazy = SimpleLazyObject(lambda: backends.get_user(request, claim))
        request.user = lazy
        response = self.get_response(request)
        # A view that signs someone in replaces request.user (accounts.views.sign_in).
        signed_in_now = request.user is not lazy and request.user.is_authenticated
        if claim is not None or signed_in_now:
            add_never_cache_headers(response)
        return response
