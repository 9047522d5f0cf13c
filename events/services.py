"""Writes to the events table. Each write is one conditional UpdateItem (never PutItem: the table is shared)."""

import uuid

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from events import ledger, selectors
from events.errors import AlreadySignedUp, EventIsPast, EventNotFound, EventTooLarge, RosterFull, SigningFailed
from events.models import AuditEntry, Event, Patron
from scc import clock
from scc.dynamodb import is_condition_failure, is_item_too_large
from scc.vocabulary import AuditAction

# A charter boat's roster, not a stadium's: also keeps the item well under DynamoDB's 400 KB.
ROSTER_CAP = 500

# Audit `operator` for writes made by patrons themselves on the public waiver page.
# Parentheses cannot appear in an operator username, so it never names a real operator.
PUBLIC_OPERATOR = "(patron)"

SIGNING_ATTRIBUTES = ["event_id", "starts_at", "roster", "roster_emails"]


def email_key(email):
    """The form of an email the duplicate guard compares: trimmed and lower-cased."""
    return email.strip().lower()


def _on_roster(event, key):
    if key in (event.roster_emails or set()):
        return True
    # Other software writes patrons without touching roster_emails: look at the roster too.
    return any(p.email and email_key(p.email) == key for p in ledger.roster(event))


def _read_for_signing(event_id):
    return selectors.get_event(event_id=event_id, consistent=True, attributes=SIGNING_ATTRIBUTES)


def _refusal(event_id, event, key):
    """Why this event cannot take this email now, or None."""
    if event is None:
        return EventNotFound(event_id)
    if _on_roster(event, key):
        return AlreadySignedUp()
    if len(ledger.roster(event)) >= ROSTER_CAP:
        return RosterFull()
    return None


def sign_waiver(*, event_id, full_name, email, phone=None):
    """Add a patron who signed the waiver to the event's roster, with a `waiver.signed` audit entry.

    Returns the new Patron. Raises EventNotFound, EventIsPast, AlreadySignedUp, RosterFull or
    EventTooLarge, having written nothing. Inputs are expected to be validated (events.forms.WaiverForm).
    """
    key = email_key(email)
    event = _read_for_signing(event_id)
    if event is not None and ledger.is_past(event):
        raise EventIsPast()
    refusal = _refusal(event_id, event, key)
    if refusal:
        raise refusal

    signed_at = clock.now_iso()
    patron = Patron(
        patron_id="p-" + uuid.uuid4().hex,
        name=full_name,
        email=email.strip(),
        phone=phone or None,
        waiver_signed_at=signed_at,
    )
    entry = AuditEntry(
        at=signed_at,
        operator=PUBLIC_OPERATOR,
        action=AuditAction.WAIVER_SIGNED,
        patron_id=patron.patron_id,
        detail=f"{full_name} signed the waiver on the public page.",
    )
    # The condition, not the read above, is what keeps one entry per email under concurrent
    # signings and the cap under concurrent sign-ups.
    condition = (
        Event.event_id.exists()
        & ~Event.roster_emails.contains(key)
        & (Event.roster.does_not_exist() | (size(Event.roster) < ROSTER_CAP))
    )
    try:
        Event(event_id).update(
            actions=[
                Event.roster.set((Event.roster | []).append([patron])),
                Event.roster_emails.add({key}),
                Event.audit.set((Event.audit | []).append([entry])),
            ],
            condition=condition,
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise _refusal(event_id, _read_for_signing(event_id), key) or SigningFailed() from exc
        if is_item_too_large(exc):
            raise EventTooLarge() from exc
        raise
    return patron
