"""JSON API for payments. Thin: parse, authorize (api_view), call a service, answer."""

from events.serializers import payment_json
from payments import services
from payments.errors import EmailNotSent, PaymentError
from payments.forms import PaymentLogForm, PaymentNotifyForm, PaymentVoidForm
from scc.api import ApiError, api_view, ok, parse_json_object
from scc.operators import Role


def _validated(form_class, request):
    form = form_class.from_json(parse_json_object(request))
    if not form.is_valid():
        raise ApiError(400, "Some fields are not valid.", fields=form.api_errors())
    return form.cleaned_data


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except PaymentError as exc:
        raise ApiError(exc.status, exc.message, fields=exc.fields) from None


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_log(request):
    data = _validated(PaymentLogForm, request)
    result = _call(services.log_payment, operator=request.operator, **data)
    return ok(
        status=201 if result.created else 200,
        payment=payment_json(result.payment),
        totals=result.totals.as_json(),
    )


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_void(request):
    data = _validated(PaymentVoidForm, request)
    result = _call(services.void_payment, operator=request.operator, **data)
    return ok(status=201, payment=payment_json(result.payment), totals=result.totals.as_json())


@api_view(methods=["POST"], role=Role.ADMIN)
def payment_notify(request):
    data = _validated(PaymentNotifyForm, request)
    try:
        result = services.notify_payment(operator=request.operator, **data)
    except EmailNotSent as exc:
        raise ApiError(exc.status, exc.message, email_sent=False) from None
    except PaymentError as exc:
        raise ApiError(exc.status, exc.message, fields=exc.fields) from None
    return ok(email_sent=True, to=result.to, payment=payment_json(result.payment))
