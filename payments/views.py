"""JSON API for payments. Thin: parse, authorize (api_view), call a service, answer."""

from accounts.models import Role
from events.serializers import payment_json
from payments import services
from payments.forms import PaymentLogForm, PaymentNotifyForm, PaymentRefundForm, PaymentVoidForm
from scc.api import api_view, ok, validated


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_log(request):
    data = validated(PaymentLogForm, request)
    result = services.log_payment(operator=request.user, **data)
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
