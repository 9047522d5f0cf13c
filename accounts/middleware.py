"""`request.user`, set lazily (as django.contrib.auth does): the operator is read only when a view,
a decorator or a template asks, or together with what a view reads first (`read_with_user`).
Responses to signed-in requests are never stored by any cache."""

from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from accounts import backends, credentials


class AuthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        claim = credentials.identify(request)  # who the request says it is: no I/O
        request.user_reader = reader = UserReader(request, claim)
        lazy = SimpleLazyObject(reader.user)
        request.user = lazy
        response = self.get_response(request)
        # A view that signs someone in replaces request.user (accounts.views.sign_in).
        signed_in_now = request.user is not lazy and request.user.is_authenticated
        if claim is not None or signed_in_now:
            add_never_cache_headers(response)
        return response


class UserReader:
    """Reads the operator behind one request's claim, once: alone when request.user is first used
    (one GetItem), or in the same BatchGetItem as items a view needs (`read_with`). Nothing is kept
    across requests, so a disabled operator or a revoked session or token stops at the next request."""

    def __init__(self, request, claim):
        self.request = request
        self.claim = claim
        self._user = None

    def user(self):
        if self._user is None:
            self._user = backends.get_user(self.request, self.claim)
        return self._user

    def read_with(self, reads):
        """[item or None per read], read with the operator; None (nothing read) when there is no
        claim (anonymous: nothing to read for) or the operator was read already."""
        if self.claim is None or self._user is not None:
            return None
        self._user, items = backends.get_user_with(self.request, self.claim, reads)
        return items


def read_with_user(request, reads):
    """Items a view needs, read in one BatchGetItem with the operator behind `request.user` before
    anything asks for it: one request instead of two. reads: [(model, hash key, attributes)].
    [item or None per read], or None when they were not read (the caller reads them itself)."""
    reader = getattr(request, "user_reader", None)
    return reader.read_with(reads) if reader is not None else None
