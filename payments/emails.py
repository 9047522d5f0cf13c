"""The payment confirmation email, built from templates/emails/. No I/O: the service sends it."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from events import ledger
from events.models import PaymentMethod


def payment_confirmation_context(*, event, record, patron):
    return {
        "event": event,
        "event_title": event.title or event.event_id,
        "starts_at": ledger.starts_at(event),
        "location": event.location or "Location to be announced",
        "patron_name": patron.name or "there",
        "amount": record.amount_money,
        "method": PaymentMethod.label_for(record.method) if record.method else None,
        "payment_id": record.payment_id,
        "reply_to": settings.EMAIL_REPLY_TO,
    }


def payment_confirmation(*, event, record, patron, to):
    """An EmailMultiAlternatives to the patron: plain text body with an HTML alternative."""
    context = payment_confirmation_context(event=event, record=record, patron=patron)
    # A header cannot hold a newline: templates end with one, titles might carry some.
    subject = " ".join(render_to_string("emails/payment_confirmation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/payment_confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
    )
    message.attach_alternative(render_to_string("emails/payment_confirmation.html", context), "text/html")
    return message
