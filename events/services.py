"""Writes to the events table. Each write is one conditional UpdateItem (never PutItem: the table is shared)."""

import secrets
import uuid

from django.utils.text import slugify
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from events import changes, ledger, selectors
from events.errors import (
    EVENT_FULL,
    AlreadySignedUp,
    CapacityBelowRoster,
    EventIdTaken,
    EventIsPast,
    EventNotFound,
    EventTooLarge,
    RosterChanging,
    RosterFull,
    SigningFailed,
    StaleEvent,
)
from events.models import EVENT_FIELDS, AuditEntry, Event, Patron
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


# Creating and editing events (the back office) ------------------------------------------------

# What an edit reads: the fields it may change, the version it checks, the roster the capacity must hold.
EDIT_ATTRIBUTES = ["event_id", *EVENT_FIELDS, "version", "roster"]
FIRST_VERSION = 1  # a created event; an item without `version` (other software's) is at 0
NEW_ID_ATTEMPTS = 3
EDIT_ATTEMPTS = 3
SLUG_MAX = 40
# Random part of a generated id: lower-case letters and digits without look-alikes (0/o, 1/l).
ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
ID_RANDOM_LENGTH = 4


def new_event_id(*, title, starts_at):
    """A readable, URL-safe id: the start's local date, the title as an ASCII slug, a few random
    characters (`2026-12-05-sunset-sail-k3f9`). Never `.`, `..` or `/`."""
    slug = slugify(title)
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0] or slug[:SLUG_MAX]
    suffix = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_RANDOM_LENGTH))
    return "-".join(part for part in (starts_at[:10], slug.strip("-") or "event", suffix) if part)


def _event_write_failed(exc):
    """An event write's UpdateError that is not a failed condition, as the error to raise."""
    if is_item_too_large(exc):
        return EventTooLarge(EVENT_FULL)
    return exc


def create_event(
    *, operator, title, starts_at, location=None, price=None, capacity=None, waiver_text=None, event_id=None
):
    """Create an event at version 1, with an `event.created` audit entry, in one UpdateItem that
    refuses to touch an existing item (never PutItem). Inputs are validated (events.forms.EventForm).

    event_id: the caller's id (EventIdTaken if an item has it), or None for a generated one.
    """
    values = {"title": title, "starts_at": starts_at, "location": location, "price": price}
    values.update(capacity=capacity, waiver_text=waiver_text)
    values = {name: value for name, value in values.items() if value is not None}
    entry = AuditEntry(
        at=clock.now_iso(),
        operator=operator.username,
        action=AuditAction.EVENT_CREATED,
        detail="Created with " + changes.describe_created(values) + ".",
    )
    for _ in range(1 if event_id else NEW_ID_ATTEMPTS):
        candidate = event_id or new_event_id(title=title, starts_at=starts_at)
        event = Event(candidate)
        actions = [getattr(Event, name).set(value) for name, value in values.items()]
        actions += [Event.version.set(FIRST_VERSION), Event.audit.set([entry])]
        try:
            event.update(actions=actions, condition=Event.event_id.does_not_exist())
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise _event_write_failed(exc) from exc
            continue
        return event
    raise EventIdTaken(candidate)


def _set_or_remove(name, value):
    attribute = getattr(Event, name)
    return attribute.remove() if value is None else attribute.set(value)


def _active_bookings(event):
    return sum(1 for patron in ledger.roster(event) if not patron.cancelled_at)


def _version_is(version):
    same = Event.version == version
    return (Event.version.does_not_exist() | same) if version == 0 else same


def _roster_size_is(size_read):
    same = size(Event.roster) == size_read
    return (Event.roster.does_not_exist() | same) if size_read == 0 else same


def update_event(*, operator, event_id, version, **fields):
    """Change some of an event's app-owned fields (a None value removes one), if `version` is still
    the stored one: one UpdateItem that sets them, bumps the version and appends an `event.updated`
    audit entry saying what changed, from what, to what. Nothing else on the item is touched.

    Returns the whole event as stored after the write (as it is, without a write, when nothing
    changes). Raises EventNotFound, StaleEvent (with the current event), CapacityBelowRoster,
    EventTooLarge. Inputs are validated (events.forms.EventEditForm).
    """
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"not app-owned event fields: {', '.join(sorted(unknown))}")
    for _ in range(EDIT_ATTEMPTS):
        event = selectors.get_event(event_id=event_id, consistent=True, attributes=EDIT_ATTRIBUTES)
        if event is None:
            raise EventNotFound(event_id)
        if event.version_number != version:
            raise StaleEvent(selectors.get_event(event_id=event_id, consistent=True) or event)
        changed = changes.diff(event, fields)
        if not changed:
            return selectors.get_event(event_id=event_id, consistent=True) or event
        condition = Event.event_id.exists() & _version_is(version)
        capacity = fields.get("capacity")
        if capacity is not None and any(change.name == "capacity" for change in changed):
            active = _active_bookings(event)
            if capacity < active:
                raise CapacityBelowRoster(active)
            # Bookings added after the read above would slip past the check: the roster must not grow meanwhile.
            condition &= _roster_size_is(len(ledger.roster(event)))
        entry = AuditEntry(
            at=clock.now_iso(),
            operator=operator.username,
            action=AuditAction.EVENT_UPDATED,
            detail=changes.describe(changed) + ".",
        )
        actions = [_set_or_remove(change.name, change.new) for change in changed]
        actions += [Event.version.set(version + 1), Event.audit.set((Event.audit | []).append([entry]))]
        updated = Event(event_id)
        try:
            updated.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise _event_write_failed(exc) from exc
            continue  # the event went, its version moved or its roster grew: read again and decide
        return updated
    raise RosterChanging()
