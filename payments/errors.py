"""Domain errors of the payment services. Each carries the HTTP status the API answers with."""


class PaymentError(Exception):
    status = 400

    def __init__(self, message, *, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields


class EventNotFound(PaymentError):
    status = 404


class PaymentNotFound(PaymentError):
    status = 404


class InvalidPayment(PaymentError):
    status = 400


class PaymentConflict(PaymentError):
    status = 409


class ItemTooLarge(PaymentError):
    status = 507


class EmailNotSent(PaymentError):
    """Sending failed; the payment is kept as it was and the failure is in the audit trail."""

    status = 502
