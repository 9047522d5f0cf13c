"""Writes to the payment ledger. Each takes the acting operator explicitly.

Every write is one UpdateItem with update actions and a condition: the payment
record, its id in `payment_ids` and its audit entry land together or not at all,
and attributes other software keeps on the event are never touched.
"""

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from events import ledger, selectors, writes
from events.errors import EventNotFound, StoredShapeConflict, UnreadableRecord
from events.models import AuditEntry, Event, PaymentRecord, RecordKind
from payments import emails
from payments.errors import EmailNotSent, InvalidPayment, PaymentConflict, PaymentNotFound
from scc import addresses, clock
from scc.exceptions import DomainError
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


def id_key(value):
    """The form ids are compared in: a UUID in canonical form (other software may write upper case
    or no hyphens), anything else as it is."""
    if isinstance(value, str) and value.isascii():
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    return value


def _locate_payment(event, payment_id):
    """(index in `payments`, record) or (None, None): the first record with this id, of any kind.
    The index is what an UpdateItem addresses."""
    key = id_key(payment_id)
    for index, record in enumerate(ledger.payments(event)):
        if record.payment_id is not None and id_key(record.payment_id) == key:
            return index, record
    return None, None


def _find_payment(event, payment_id):
    return _locate_payment(event, payment_id)[1]


def _id_taken(event, record_id):
    """Whether a record of the ledger itself has this id, or the guard set names it: the ledger
    counts too, for records whose id never made it into `payment_ids` (other software, old data)."""
    key = id_key(record_id)
    return _find_payment(event, record_id) is not None or any(id_key(i) == key for i in event.payment_ids or ())


def _replay(event, *, payment_id, patron_id, amount, notes, method=None):
    """The answer to a payment_id seen before: the stored payment, or a conflict."""
    record = _find_payment(event, payment_id)
    if record is None or not _same_payment(record, patron_id=patron_id, amount=amount, notes=notes, method=method):
        raise PaymentConflict(
            "This payment_id was already used for a different payment. Open the form again to log a new one.",
            fields={"payment_id": ["Already used with another body."]},
        )
    return LogResult(payment=record, totals=ledger.totals(event), created=False)


# What log_payment's one read needs: the roster (the patron), the ledger and the guard set (the id
# is new), the price (a replay's totals). Not the audit, often most of the item.
LOG_CHECK_ATTRIBUTES = ["event_id", "price", "roster", "payments", "payment_ids"]


# How often a ledger write (log, void, refund) re-reads and retries when another record landed
# between its read and its write (each write pins the ledger it checked). Each retry means another
# record landed, so this bounds the wait for a burst of that many concurrent writes on one event
# (with _back_off, a few seconds at most).
LEDGER_ATTEMPTS = 40

LEDGER_BUSY = "The ledger kept changing while saving; nothing was saved. Reload and try again."

ITEM_FULL = (
    "This event's record is full (DynamoDB's 400 KB item limit). Nothing was saved; "
    "ask an administrator to archive old payments."
)


def _size_is(attribute, count):
    """`attribute` (a list or set) has `count` elements; absent counts as empty."""
    if count == 0:
        return attribute.does_not_exist() | (size(attribute) == 0)
    return size(attribute) == count


def ledger_unchanged(event):
    """The ledger still has exactly the records read: for writes whose amount depends on them
    (a void, a refund). The ledger is append-only, so any record landing meanwhile fails this."""
    return _size_is(Event.payments, len(event.payments))


def ledger_grew_only_with_ids(event):
    """Every record that landed in the ledger since it was read came with its id in `payment_ids`.

    What payment-log checks is that no record of the ledger has its id. Records the app appends
    (the usual race: others logging payments at once) add their ids to `payment_ids`, where
    `NOT contains(payment_ids, id)` sees them; a record appended without its id (other software)
    is not in the guard set. When every record read has its id in the set and the set names
    nothing else (sizes equal: any ledger the app alone wrote), `size(payments) = size(payment_ids)`
    holds as long as only such records land, and fails for any other: concurrent payments then do
    not make each other read again. Otherwise (legacy records without ids) the ledger is pinned
    as read.
    """
    records, ids = len(event.payments), len(event.payment_ids or ())
    if records != ids:
        return ledger_unchanged(event)
    empty = _size_is(Event.payments, 0) & _size_is(Event.payment_ids, 0)
    return empty | (size(Event.payments) == size(Event.payment_ids))


def _append_to_ledger(*, event, record, entry, pin):
    """One UpdateItem: the record, its id in `payment_ids` and its audit entry, all or nothing.

    pin: what the caller checked in the ledger it read (ledger_unchanged, ledger_grew_only_with_ids);
    the guard set must still lack the id too. The updated event, or None when the condition
    failed (no such event, the ledger changed, the id is taken).
    """
    if event.is_unreadable("payments") or event.is_unreadable("payment_ids"):
        raise StoredShapeConflict()  # the append or the ADD would be refused anyway: not a list, not a set
    condition = Event.event_id.exists() & ~Event.payment_ids.contains(record.payment_id) & pin
    actions = [
        Event.payments.set((Event.payments | []).append([record])),
        Event.payment_ids.add({record.payment_id}),
        Event.audit.set((Event.audit | []).append([entry])),
    ]
    return writes.update(event.event_id, actions=actions, condition=condition, full_message=ITEM_FULL)


def log_payment(*, operator, event_id, patron_id, amount, notes="", payment_id=None, method=None, checked=None):
    """Append a payment to the event's ledger, once per payment_id: a record with that id anywhere in
    the ledger (any kind, in `payment_ids` or not) makes this a replay, answered with the stored payment.

    Costs one consistent read (roster, ledger, guard set) and one UpdateItem pinned to what it
    checked (ledger_grew_only_with_ids): payments logged at the same time do not make it read again.
    checked: the event as already read consistently with LOG_CHECK_ATTRIBUTES (the API reads it
    with the operator: selectors.event_with_user), saving the GetItem; None reads it here.
    """
    payment_id = payment_id or str(uuid.uuid4())
    for _attempt in range(LEDGER_ATTEMPTS):
        event = checked if _attempt == 0 and checked is not None else None
        event = event or selectors.get_event(event_id=event_id, consistent=True, attributes=LOG_CHECK_ATTRIBUTES)
        if event is None:
            raise EventNotFound(event_id)
        if patron_id not in {p.patron_id for p in ledger.roster(event)}:
            raise InvalidPayment(
                "That patron is not on this event's roster.", fields={"patron_id": ["Not on the event's roster."]}
            )
        if _id_taken(event, payment_id):
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
        updated = _append_to_ledger(event=event, record=record, entry=entry, pin=ledger_grew_only_with_ids(event))
        if updated is not None:
            return LogResult(payment=_find_payment(updated, payment_id), totals=ledger.totals(updated), created=True)
        # Another record landed (maybe this very payment_id, from a retry): read again and decide again.
        _back_off(_attempt)
    raise PaymentConflict(LEDGER_BUSY)


def _back_off(attempt):
    """A short random wait before reading again, so writers that collided do not collide again."""
    time.sleep(random.uniform(0, min(0.1, 0.005 * 2**attempt)))


def _void_of(event, payment_id):
    return next((r for r in ledger.payments(event) if r.is_void and r.voids == payment_id), None)


def _check_readable(event, original):
    """Refuse to act on a record that cannot be read, or whose voids and refunds cannot be (events.items)."""
    if not original.readable:
        raise UnreadableRecord(f"{original.where} of event {event.event_id!r}")
    doubtful = ledger.doubtful(ledger.payments(event), original.payment_id)
    if doubtful:
        raise UnreadableRecord(f"{doubtful[0].where} of event {event.event_id!r}")


def _check_voidable(event, payment_id):
    """The payment to void, or raise: 404 unknown, 400 a void, 409 already voided."""
    original = _find_payment(event, payment_id)
    if original is None:
        raise PaymentNotFound(
            f"No payment with id {payment_id!r} on this event. Legacy records have no payment id and "
            "cannot be voided here.",
            fields={"payment_id": ["Not on this event's ledger."]},
        )
    _check_readable(event, original)
    if original.kind not in (None, RecordKind.PAYMENT):
        kind = RecordKind.label_for(original.kind).lower()
        raise InvalidPayment(
            f"That record is itself a {kind}; a {kind} cannot be voided.", fields={"payment_id": [f"Is a {kind}."]}
        )
    if _void_of(event, payment_id) is not None:
        raise PaymentConflict("That payment was already voided.", fields={"payment_id": ["Already voided."]})
    return original


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
        # Unguessable, so nobody can take it first; a second void of the payment is stopped by the
        # ledger pin (a record landed) and, once read, by the void it would find.
        void_id = str(uuid.uuid4())
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
        updated = _append_to_ledger(event=event, record=record, entry=entry, pin=ledger_unchanged(event))
        if updated is None:
            _back_off(_attempt)
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
    _check_readable(event, original)
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
        if _id_taken(event, refund_id):
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
        updated = _append_to_ledger(event=event, record=record, entry=entry, pin=ledger_unchanged(event))
        if updated is None:
            _back_off(_attempt)
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
    """(the roster patron to email about this record, their one address), or a domain error saying
    why there is none. An address that is not exactly one mailbox (other software may store
    `a@x.com, b@y.com`) is refused, never handed to the mail backend."""
    if record is None:
        raise PaymentNotFound(
            f"No payment with id {payment_id!r} on this event. Payments recorded by the old system have no "
            "payment id and no patron, so they cannot be emailed."
        )
    if not record.readable:
        raise UnreadableRecord(f"{record.where} of event {event.event_id!r}")
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
    try:
        return patron, addresses.clean_address(patron.email)
    except addresses.NotOneAddress as error:
        raise InvalidPayment(
            f"{patron.name or patron.patron_id}'s email on the roster is not one address: {error} "
            "Correct it on the event page first.",
            fields={"patron_id": ["The roster's email is not one address."]},
        ) from None


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


# How long a claim to send a record's confirmation holds. A claim older than this was left by a
# request that died between claiming and sending (a Lambda timeout is 30 s; SES calls are retried
# within that), so another send may take it over: a crash never blocks sending for longer.
EMAIL_CLAIM_SECONDS = 120

SENDING_NOW = "A confirmation for this payment is being sent right now; it shows as sent in a moment."


def _claim_email(*, event, index, record, payment_id, resend):
    """Claim the right to send this record's confirmation, in one conditional UpdateItem pinned to
    the record as read: still at `index`, not sent (unless this is a resend), and its claim as read
    (none, or one older than EMAIL_CLAIM_SECONDS: its holder died). Of any number of concurrent
    sends, one claims; the others read again and are told why not (PaymentConflict).
    Returns (event, index, claimed_at) as claimed."""
    for _attempt in range(MARK_SENT_ATTEMPTS):
        now = clock.now()
        if record.email_sent and not resend:
            raise _already_sent()
        held = clock.parse(record.email_claimed_at)
        if held is not None and held > now - timedelta(seconds=EMAIL_CLAIM_SECONDS):
            raise PaymentConflict(SENDING_NOW, fields={"payment_id": ["Being sent."]})
        element = Event.payments[index]
        condition = (
            Event.event_id.exists() & (element.payment_id == record.payment_id) & _claim_as_read(element, record)
        )
        if not resend:
            condition &= element.email_sent.does_not_exist() | (element.email_sent != True)  # noqa: E712
        claimed_at = clock.iso(now)
        updated = writes.update(event.event_id, actions=[element.email_claimed_at.set(claimed_at)], condition=condition)
        if updated is not None:
            return updated, index, claimed_at
        event = selectors.get_event(event_id=event.event_id, consistent=True)
        index, record = (None, None) if event is None else _locate_payment(event, payment_id)
        if record is None:
            raise PaymentNotFound(f"No payment with id {payment_id!r} on this event.")
    raise PaymentConflict(LEDGER_BUSY)


def _claim_as_read(element, record):
    """The record's claim is still what was read: none, the same text, or (other software's) not text."""
    if "email_claimed_at" in record.unreadable_fields:
        return element.email_claimed_at.exists() & ~element.email_claimed_at.is_type()  # not text (S)
    if record.email_claimed_at is None:
        return element.email_claimed_at.does_not_exist()
    return element.email_claimed_at == record.email_claimed_at


def _already_sent():
    return PaymentConflict(
        "A confirmation was already sent for this payment. Use Resend (resend: true) to send it again.",
        fields={"resend": ["Already sent; set resend to true to send again."]},
    )


def _record_email_failure(*, operator, event_id, record, reason, index=None, claimed_at=None):
    """Append `email.failed` to the audit and give up the claim (if still ours and where it was), so
    a retry may send at once; the payment record is otherwise left as it was."""
    entry = AuditEntry(
        at=clock.now_iso(),
        operator=operator.username,
        action=AuditAction.EMAIL_FAILED,
        payment_id=record.payment_id,
        patron_id=record.patron_id,
        detail=reason,
    )
    audit = Event.audit.set((Event.audit | []).append([entry]))
    try:
        released = None
        if index is not None:
            element = Event.payments[index]
            released = writes.update(
                event_id,
                actions=[audit, element.email_claimed_at.remove()],
                condition=Event.event_id.exists()
                & (element.payment_id == record.payment_id)
                & (element.email_claimed_at == claimed_at),
            )
        if released is None:  # the claim moved or was taken over: it expires by itself
            writes.update(event_id, actions=[audit], condition=Event.event_id.exists())
    except (UpdateError, DomainError):
        # The mail failure is the answer either way; do not turn a 502 into a 500.
        logger.exception("Could not record email.failed for payment %s of event %s", record.payment_id, event_id)


def _mark_sent(*, operator, event, index, payment_id, to, resend):
    """Set email_sent/email_sent_at on payments[index], end its claim and append `email.sent`, in one
    UpdateItem.

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
        updated = writes.update(
            event.event_id,
            actions=[
                Event.payments[index].email_sent.set(True),
                Event.payments[index].email_sent_at.set(at),
                Event.payments[index].email_claimed_at.remove(),
                Event.audit.set((Event.audit | []).append([entry])),
            ],
            condition=Event.event_id.exists() & (Event.payments[index].payment_id == payment_id),
            full_message=f"The confirmation was emailed to {to}, but this event's record is full (DynamoDB's 400 KB "
            "item limit), so it could not be marked as sent.",
        )
        if updated is None:
            event = selectors.get_event(event_id=event.event_id, consistent=True)
            index = None if event is None else _locate_payment(event, payment_id)[0]
            if index is None:
                raise PaymentNotFound(
                    f"The confirmation was emailed to {to}, but the payment is no longer on this event, "
                    "so it could not be marked as sent."
                )
            continue
        return updated.payments[index]
    raise PaymentConflict(
        f"The confirmation was emailed to {to}, but the ledger kept changing, so it could not be marked as sent."
    )


def notify_payment(*, operator, event_id, payment_id, resend=False):
    """Email the patron a confirmation of one payment, then mark the record sent.

    One consistent GetItem; a conditional UpdateItem claiming the send (_claim_email: one email per
    payment under any concurrency, unless resend); the send; then one conditional UpdateItem
    (success: the record's email_sent, email_sent_at and an `email.sent` audit entry; failure:
    `email.failed` and the claim given up).
    """
    event = selectors.get_event(event_id=event_id, consistent=True)
    if event is None:
        raise EventNotFound(event_id)
    index, record = _locate_payment(event, payment_id)
    patron, to = _notify_recipient(event, record, payment_id)
    event, index, claimed_at = _claim_email(
        event=event, index=index, record=record, payment_id=payment_id, resend=resend
    )
    message = emails.payment_confirmation(event=event, record=record, patron=patron, to=to)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP, socket, SES: any failure to hand the mail over
        reason = _failure_reason(exc)
        logger.warning("Confirmation for payment %s of event %s not sent: %s", payment_id, event_id, reason)
        _record_email_failure(
            operator=operator, event_id=event_id, record=record, reason=reason, index=index, claimed_at=claimed_at
        )
        raise EmailNotSent(
            f"The confirmation email to {to} could not be sent ({reason}). The payment is saved; try again later."
        ) from exc
    payment = _mark_sent(operator=operator, event=event, index=index, payment_id=payment_id, to=to, resend=resend)
    return NotifyResult(to=to, payment=payment)
