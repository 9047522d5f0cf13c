"""JSON API for payments. Thin: parse, authorize (api_view), call a service, answer."""

from accounts.models import Role
from events import selectors
from events.serializers import payment_json
from payments import services
from payments.forms import PaymentLogForm, PaymentNotifyForm, PaymentRefundForm, PaymentVoidForm
from scc.api import api_view, ok, validated


def _event_with_user(request):
    """payment-log's prefetch: the event its checks read, in one request with the operator."""
    data = validated(PaymentLogForm, request)
    return selectors.event_with_user(request, event_id=data["event_id"], attributes=services.LOG_CHECK_ATTRIBUTES)


@api_view(methods=["POST"], role=Role.ADMIN, prefetch=_event_with_user)
def payment_log(request):
    data = validated(PaymentLogForm, request)
    result = services.log_payment(operator=request.user, checked=request.prefetched, **data)
    return ok(
        status=201 if result.created else 200,
        payment=payment_json(result.payment),
        totals=result.totals.as_json(),
    )


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_void(request):
    data = validated(PaymentVoidForm, request)
    result = services.void_payment(operator=request.user, **data)
    return ok(status=201, payment=payment_json(result.payment), totals=result.totals.as_json())


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_notify(request):
    data = validated(PaymentNotifyForm, request)
    result = services.notify_payment(operator=request.user, **data)
    return ok(email_sent=True, to=result.to, payment=payment_json(result.payment))


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_refund(request):
    data = validated(PaymentRefundForm, request)
    result = services.refund_payment(operator=request.user, **data)
    return ok(
        status=201 if result.created else 200,
        payment=payment_json(result.payment),
        totals=result.totals.as_json(),
    )
