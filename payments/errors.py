"""Domain errors of the payment services (a missing event or a full item: events.errors)."""

from scc.exceptions import Conflict, DeliveryFailed, InvalidInput, NotFound


class PaymentNotFound(NotFound):
    pass


class InvalidPayment(InvalidInput):
    pass


class PaymentConflict(Conflict):
    pass


class EmailNotSent(DeliveryFailed):
    """Sending failed; the payment is kept as it was and the failure is in the audit trail."""

    def __init__(self, message):
        super().__init__(message, data={"email_sent": False})
