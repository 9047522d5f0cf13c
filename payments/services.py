"""Writes to the payment ledger. Each takes the acting operator explicitly.

Every write is one UpdateItem with update actions and a condition: the payment
record, its id in `payment_ids` and its audit entry land together or not at all,
and attributes other software keeps on the event are never touched.
"""

import logging
import uuid
from dataclasses import dataclass

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from events import ledger, selectors
from events.errors import EventNotFound, EventTooLarge
from events.models import AuditEntry, Event, PaymentRecord, RecordKind
from payments import emails
from payments.errors import EmailNotSent, InvalidPayment, PaymentConflict, PaymentNotFound
from scc import clock
from scc.dynamodb import is_condition_failure, is_item_too_large
from scc.vocabulary import AuditAction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogResult:
    payment: PaymentRecord
    totals: ledger.Totals
    created: bool


def _same_payment(record, *, patron_id, amount, notes, method=None):
    return (
        record.kind in (None, RecordKind.PAYMENT)
        and record.patron_id == patron_id
        and record.amount_money == amount
        and (record.notes or "") == (notes or "")
        and (record.method or None) == (method or None)
    )


def _locate_payment(event, payment_id):
    """(index in `payments`, record) or (None, None). The index is what the UpdateItem addresses."""
    for index, record in enumerate(ledger.payments(event)):
        if record.payment_id == payment_id:
            return index, record
    return None, None


def _find_payment(event, payment_id):
    return _locate_payment(event, payment_id)[1]


def _replay(event, *, payment_id, patron_id, amount, notes, method=None):
    """The answer to a payment_id seen before: the stored payment, or a conflict."""
    record = _find_payment(event, payment_id)
    if record is None or not _same_payment(record, patron_id=patron_id, amount=amount, notes=notes, method=method):
        raise PaymentConflict(
            "This payment_id was already used for a different payment. Open the form again to log a new one.",
            fields={"payment_id": ["Already used with another body."]},
        )
    return LogResult(payment=record, totals=ledger.totals(event), created=False)


# What log_payment's checks read: the ledger and audit (most of the item) only matter on a replay.
LOG_CHECK_ATTRIBUTES = ["event_id", "roster", "payment_ids"]


ITEM_FULL = (
    "This event's record is full (DynamoDB's 400 KB item limit). Nothing was saved; "
    "ask an administrator to archive old payments."
)


def _append_to_ledger(*, event_id, record, entry, ledger_size=None):
    """One UpdateItem: the record, its id in `payment_ids` and its audit entry, all or nothing.

    ledger_size: the number of records read, pinned by the condition (the ledger is append-only,
    so any record landing meanwhile fails it): for writes whose amount depends on the records read.
    The updated Event, or None when the condition failed (no such event, the id is taken, the ledger grew).
    """
    condition = Event.event_id.exists() & ~Event.payment_ids.contains(record.payment_id)
    if ledger_size is not None:
        condition &= Event.payments.does_not_exist() if ledger_size == 0 else size(Event.payments) == ledger_size
    updated = Event(event_id)
    try:
        updated.update(
            actions=[
                Event.payments.set((Event.payments | []).append([record])),
                Event.payment_ids.add({record.payment_id}),
                Event.audit.set((Event.audit | []).append([entry])),
            ],
            condition=condition,
        )
    except UpdateError as exc:
        if is_item_too_large(exc):
            raise EventTooLarge(ITEM_FULL) from exc
        if is_condition_failure(exc):
            return None
        raise
    return updated


def log_payment(*, operator, event_id, patron_id, amount, notes="", payment_id=None, method=None, checked=None):
    """Append a payment to the event's ledger, once per payment_id.

    Costs one consistent GetItem (roster, idempotency) and one UpdateItem. The GetItem reads only
    what the checks need, not the ledger and audit; a replay reads the ledger with a second GetItem.
    checked: the event as already read consistently with LOG_CHECK_ATTRIBUTES (the API reads it
    with the operator: selectors.event_with_user), saving the GetItem; None reads it here.
    """
    event = checked or selectors.get_event(event_id=event_id, consistent=True, attributes=LOG_CHECK_ATTRIBUTES)
    if event is None:
        raise EventNotFound(event_id)
    if patron_id not in {p.patron_id for p in ledger.roster(event)}:
        raise InvalidPayment(
            "That patron is not on this event's roster.", fields={"patron_id": ["Not on the event's roster."]}
        )
    payment_id = payment_id or str(uuid.uuid4())
    if payment_id in (event.payment_ids or set()):
        event = selectors.get_event(event_id=event_id, consistent=True)
        if event is None:
            raise EventNotFound(event_id)
        return _replay(event, payment_id=payment_id, patron_id=patron_id, amount=amount, notes=notes, method=method)

    at = clock.now_iso()
    record = PaymentRecord(
        payment_id=payment_id,
        timestamp=at,
        operator=operator.username,
        patron_id=patron_id,
        amount=amount,
        notes=notes or "",
        email_sent=False,
        kind=RecordKind.PAYMENT,
        method=method or None,
    )
    entry = AuditEntry(
        at=at,
        operator=operator.username,
        action=AuditAction.PAYMENT_LOGGED,
        payment_id=payment_id,
        patron_id=patron_id,
        amount=amount,
    )
    updated = _append_to_ledger(event_id=event_id, record=record, entry=entry)
    if updated is None:
        # Lost a race: the event went away or the same payment_id landed first.
        event = selectors.get_event(event_id=event_id, consistent=True)
        if event is None:
            raise EventNotFound(event_id)
        return _replay(event, payment_id=payment_id, patron_id=patron_id, amount=amount, notes=notes, method=method)
    return LogResult(payment=_find_payment(updated, payment_id), totals=ledger.totals(updated), created=True)


# Void ids are derived from the voided payment's id, so two voids of the same
# payment race for the same entry in `payment_ids`: the usual
# `NOT contains(payment_ids, id)` condition then stops a double void, and
# `payment_ids` still holds only ids of records in `payments` (no marker values).
VOID_NAMESPACE = uuid.UUID("6f1d5c1e-2b7a-4f43-9a53-0c6f4e0e7a11")


def void_payment_id(*, event_id, payment_id):
    return str(uuid.uuid5(VOID_NAMESPACE, f"{event_id}\n{payment_id}"))


def _void_of(event, payment_id):
    return next((r for r in ledger.payments(event) if r.is_void and r.voids == payment_id), None)


def _check_voidable(event, payment_id):
    """The payment to void, or raise: 404 unknown, 400 a void, 409 already voided."""
    original = _find_payment(event, payment_id)
    if original is None:
        raise PaymentNotFound(
            f"No payment with id {payment_id!r} on this event. Legacy records have no payment id and "
            "cannot be voided here.",
            fields={"payment_id": ["Not on this event's ledger."]},
        )
    if original.kind not in (None, RecordKind.PAYMENT):
        kind = RecordKind.label_for(original.kind).lower()
        raise InvalidPayment(
            f"That record is itself a {kind}; a {kind} cannot be voided.", fields={"payment_id": [f"Is a {kind}."]}
        )
    if _void_of(event, payment_id) is not None or void_payment_id(event_id=event.event_id, payment_id=payment_id) in (
        event.payment_ids or set()
    ):
        raise PaymentConflict("That payment was already voided.", fields={"payment_id": ["Already voided."]})
    return original


# How often a write whose amount depends on the ledger (a refund, a void) re-reads and retries
# when another record landed between its read and its write. Each retry means another record
# landed, so this bounds the wait for a burst of that many concurrent writes on one event.
LEDGER_ATTEMPTS = 20

LEDGER_BUSY = "The ledger kept changing while saving; nothing was saved. Reload and try again."


def _usd(amount):
    return f"${amount:,.2f}"


def void_payment(*, operator, event_id, payment_id, reason):
    """Append a void (a negative record naming the original) and its audit entry; the original stays as it is.

    A payment partly refunded is voided for what is left of it (payment - refunds), so the
    payment, its refunds and its void add up to nothing; a fully refunded one has nothing left to
    void (409). The write pins the ledger it read. Costs one consistent GetItem and one
    conditional UpdateItem (more only when other records land meanwhile).
    """
    for _attempt in range(LEDGER_ATTEMPTS):
        event = selectors.get_event(event_id=event_id, consistent=True)
        if event is None:
            raise EventNotFound(event_id)
        original = _check_voidable(event, payment_id)
        records = ledger.payments(event)
        left = ledger.left_of(records, payment_id)
        refunded = original.amount_money - left
        if left <= 0:
            raise PaymentConflict(
                "That payment was refunded in full: there is nothing left to void.",
                fields={"payment_id": ["Refunded in full."]},
            )
        void_id = void_payment_id(event_id=event_id, payment_id=payment_id)
        at = clock.now_iso()
        record = PaymentRecord(
            payment_id=void_id,
            timestamp=at,
            operator=operator.username,
            patron_id=original.patron_id,
            amount=-left,
            notes=reason,
            email_sent=False,
            kind=RecordKind.VOID,
            voids=payment_id,
            method=original.method,
        )
        what = f"Voids {payment_id}" + (f" (what was left after {_usd(refunded)} refunded)" if refunded else "")
        entry = AuditEntry(
            at=at,
            operator=operator.username,
            action=AuditAction.PAYMENT_VOIDED,
            payment_id=void_id,
            patron_id=original.patron_id,
            amount=-left,
            detail=f"{what}: {reason}",
        )
        updated = _append_to_ledger(event_id=event_id, record=record, entry=entry, ledger_size=len(records))
        if updated is None:
            continue  # a record landed meanwhile (maybe another void of it): read again and decide again
        return LogResult(payment=_find_payment(updated, void_id), totals=ledger.totals(updated), created=True)
    raise PaymentConflict(LEDGER_BUSY)


def _check_refundable(event, payment_id):
    """The payment to refund, or raise: 404 unknown, 400 not a payment, 409 voided."""
    original = _find_payment(event, payment_id)
    if original is None:
        raise PaymentNotFound(
            f"No payment with id {payment_id!r} on this event. Legacy records have no payment id and "
            "cannot be refunded here.",
            fields={"payment_id": ["Not on this event's ledger."]},
        )
    if original.kind not in (None, RecordKind.PAYMENT):
        raise InvalidPayment(
            f"That record is a {RecordKind.label_for(original.kind).lower()}, not a payment: only payments "
            "can be refunded.",
            fields={"payment_id": ["Not a payment."]},
        )
    if payment_id in ledger.voided_payment_ids(event):
        raise PaymentConflict(
            "That payment was voided: a voided payment cannot be refunded.", fields={"payment_id": ["Voided."]}
        )
    return original


def _refund_replay(event, *, refund_id, payment_id, amount, reason):
    """The answer to a refund_id seen before: the stored refund, or a conflict."""
    record = _find_payment(event, refund_id)
    same = (
        record is not None
        and record.kind == RecordKind.REFUND
        and record.refunds == payment_id
        and record.amount_money == -amount
        and (record.notes or "") == reason
    )
    if not same:
        raise PaymentConflict(
            "This refund_id was already used for a different record. Open the refund form again to make a new one.",
            fields={"refund_id": ["Already used with another body."]},
        )
    return LogResult(payment=record, totals=ledger.totals(event), created=False)


def refund_payment(*, operator, event_id, payment_id, amount, reason, refund_id=None):
    """Give back part or all of what is left of a payment: a negative record of kind `refund` naming
    it (`refunds`), its id in `payment_ids` and a `payment.refunded` audit entry, in one UpdateItem.

    What is left (payment - its refunds) is computed from the ledger read, and the write pins that
    ledger's size: concurrent refunds of one payment can never add up to more than it. Idempotent on
    refund_id (server-made when absent). Raises EventNotFound, PaymentNotFound, InvalidPayment
    (not a payment), PaymentConflict (more than is left, voided, refund_id reused, ledger busy) or
    EventTooLarge.
    """
    refund_id = refund_id or str(uuid.uuid4())
    for _attempt in range(LEDGER_ATTEMPTS):
        event = selectors.get_event(event_id=event_id, consistent=True)
        if event is None:
            raise EventNotFound(event_id)
        if refund_id in (event.payment_ids or set()):
            return _refund_replay(event, refund_id=refund_id, payment_id=payment_id, amount=amount, reason=reason)
        original = _check_refundable(event, payment_id)
        records = ledger.payments(event)
        left = ledger.left_of(records, payment_id)
        if amount > left:
            message = (
                "Nothing is left of that payment to refund."
                if left <= 0
                else f"That is more than is left of the payment: at most {_usd(left)} can be refunded."
            )
            raise PaymentConflict(message, fields={"amount": [f"At most {left}."]}, data={"left": str(left)})
        at = clock.now_iso()
        record = PaymentRecord(
            payment_id=refund_id,
            timestamp=at,
            operator=operator.username,
            patron_id=original.patron_id,
            amount=-amount,
            notes=reason,
            email_sent=False,
            kind=RecordKind.REFUND,
            refunds=payment_id,
            method=original.method,
        )
        entry = AuditEntry(
            at=at,
            operator=operator.username,
            action=AuditAction.PAYMENT_REFUNDED,
            payment_id=refund_id,
            patron_id=original.patron_id,
            amount=-amount,
            detail=f"Refunds {payment_id}: {reason}",
        )
        updated = _append_to_ledger(event_id=event_id, record=record, entry=entry, ledger_size=len(records))
        if updated is None:
            continue  # a record landed meanwhile (maybe this very refund_id): read again and decide again
        return LogResult(payment=_find_payment(updated, refund_id), totals=ledger.totals(updated), created=True)
    raise PaymentConflict(LEDGER_BUSY)


@dataclass(frozen=True)
class NotifyResult:
    to: str
    payment: PaymentRecord


# How often to re-read and retry marking a sent email when the record's index moved.
MARK_SENT_ATTEMPTS = 3


def _notify_recipient(event, record, payment_id):
    """The roster patron to email about this record, or a domain error saying why there is none."""
    if record is None:
        raise PaymentNotFound(
            f"No payment with id {payment_id!r} on this event. Payments recorded by the old system have no "
            "payment id and no patron, so they cannot be emailed."
        )
    if record.kind not in (None, RecordKind.PAYMENT):
        kind = RecordKind.label_for(record.kind).lower()
        raise InvalidPayment(f"This record is a {kind}, not a payment: there is nothing to confirm.")
    if payment_id in ledger.voided_payment_ids(event):
        raise InvalidPayment("This payment was voided: no confirmation is sent for it.")
    if not record.patron_id:
        raise InvalidPayment("This payment names no patron, so there is no one to email.")
    patron = next((p for p in ledger.roster(event) if p.patron_id == record.patron_id), None)
    if patron is None:
        raise InvalidPayment("This payment's patron is no longer on the event's roster, so there is no email address.")
    if not (patron.email or "").strip():
        raise InvalidPayment(
            f"{patron.name or patron.patron_id} has no email address on the roster.",
            fields={"patron_id": ["No email address on the roster."]},
        )
    return patron


def _failure_reason(exc):
    """A short, operator-readable reason; never the whole traceback or message body."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:  # botocore ClientError, e.g. SES MessageRejected
        error = response["Error"]
        reason = f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
    else:
        text = str(exc).strip()
        reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return reason[:200]


def _record_email_failure(*, operator, event_id, record, reason):
    """Append `email.failed` to the audit; the payment record itself is left as it was."""
    entry = AuditEntry(
        at=clock.now_iso(),
        operator=operator.username,
        action=AuditAction.EMAIL_FAILED,
        payment_id=record.payment_id,
        patron_id=record.patron_id,
        detail=reason,
    )
    try:
        Event(event_id).update(
            actions=[Event.audit.set((Event.audit | []).append([entry]))],
            condition=Event.event_id.exists(),
        )
    except UpdateError:
        # The mail failure is the answer either way; do not turn a 502 into a 500.
        logger.exception("Could not record email.failed for payment %s of event %s", record.payment_id, event_id)


def _mark_sent(*, operator, event, index, payment_id, to, resend):
    """Set email_sent/email_sent_at on payments[index] and append `email.sent`, in one UpdateItem.

    The condition pins the element by its payment_id, so a list rewritten by other software
    between our read and this write cannot make us mark the wrong record.
    """
    for _attempt in range(MARK_SENT_ATTEMPTS):
        at = clock.now_iso()
        entry = AuditEntry(
            at=at,
            operator=operator.username,
            action=AuditAction.EMAIL_SENT,
            payment_id=payment_id,
            patron_id=event.payments[index].patron_id,
            detail=("Resent to " if resend else "Sent to ") + to,
        )
        updated = Event(event.event_id)
        try:
            updated.update(
                actions=[
                    Event.payments[index].email_sent.set(True),
                    Event.payments[index].email_sent_at.set(at),
                    Event.audit.set((Event.audit | []).append([entry])),
                ],
                condition=Event.event_id.exists() & (Event.payments[index].payment_id == payment_id),
            )
        except UpdateError as exc:
            if is_item_too_large(exc):
                raise EventTooLarge(
                    f"The confirmation was emailed to {to}, but this event's record is full (DynamoDB's 400 KB "
                    "item limit), so it could not be marked as sent."
                ) from exc
            if not is_condition_failure(exc):
                raise
            event = selectors.get_event(event_id=event.event_id, consistent=True)
            index = None if event is None else _locate_payment(event, payment_id)[0]
            if index is None:
                raise PaymentNotFound(
                    f"The confirmation was emailed to {to}, but the payment is no longer on this event, "
                    "so it could not be marked as sent."
                ) from exc
            continue
        return updated.payments[index]
    raise PaymentConflict(
        f"The confirmation was emailed to {to}, but the ledger kept changing, so it could not be marked as sent."
    )


def notify_payment(*, operator, event_id, payment_id, resend=False):
    """Email the patron a confirmation of one payment, then mark the record sent.

    One consistent GetItem, the send, then one conditional UpdateItem (success: the record's
    email_sent, email_sent_at and an `email.sent` audit entry; failure: only `email.failed`).
    """
    event = selectors.get_event(event_id=event_id, consistent=True)
    if event is None:
        raise EventNotFound(event_id)
    index, record = _locate_payment(event, payment_id)
    patron = _notify_recipient(event, record, payment_id)
    if record.email_sent and not resend:
        raise PaymentConflict(
            "A confirmation was already sent for this payment. Use Resend (resend: true) to send it again.",
            fields={"resend": ["Already sent; set resend to true to send again."]},
        )
    to = patron.email.strip()
    message = emails.payment_confirmation(event=event, record=record, patron=patron, to=to)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP, socket, SES: any failure to hand the mail over
        reason = _failure_reason(exc)
        logger.warning("Confirmation for payment %s of event %s not sent: %s", payment_id, event_id, reason)
        _record_email_failure(operator=operator, event_id=event_id, record=record, reason=reason)
        raise EmailNotSent(
            f"The confirmation email to {to} could not be sent ({reason}). The payment is saved; try again later."
        ) from exc
    payment = _mark_sent(operator=operator, event=event, index=index, payment_id=payment_id, to=to, resend=resend)
    return NotifyResult(to=to, payment=payment)
