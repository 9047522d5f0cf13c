from accounts.models import ANONYMOUS


def user(request):
    # The lazy object itself: a template that never looks at `user` costs no read.
    return {"user": getattr(request, "user", ANONYMOUS)}
