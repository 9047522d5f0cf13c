"""Writes to the events table. Each write is one conditional UpdateItem (never PutItem: the table is shared)."""

import secrets
import uuid

from django.utils.text import slugify
from pynamodb.expressions.condition import size

from events import changes, ledger, selectors, writes
from events.errors import (
    EVENT_FULL,
    AlreadyCancelled,
    AlreadySignedUp,
    CapacityBelowRoster,
    EmailOnRoster,
    EventFull,
    EventIdTaken,
    EventIsPast,
    EventNotFound,
    PatronCancelled,
    PatronNotFound,
    RosterBusy,
    RosterFull,
    SigningFailed,
    StaleEvent,
    StoredShapeConflict,
)
from events.models import EVENT_FIELDS, AuditEntry, Event, Patron
from scc import addresses, clock
from scc.vocabulary import AuditAction

# A charter boat's roster, not a stadium's: also keeps the item well under DynamoDB's 400 KB.
ROSTER_CAP = 500

# Audit `operator` for writes made by patrons themselves on the public waiver page.
# Parentheses cannot appear in an operator username, so it never names a real operator.
PUBLIC_OPERATOR = "(patron)"

# What the roster's guard reads: whether the event may take one more patron with an email.
ROSTER_ATTRIBUTES = ["event_id", "starts_at", "capacity", "roster", "roster_emails"]

# For patrons: the operators' message (StoredShapeConflict) is about other software's data.
SIGNING_REFUSED_BY_STORED_SHAPE = "We could not record your signature for this event. Please contact the crew."

# A join is retried when the event changed between its read and its write (a capacity edit,
# the same email landing, the roster filling while bookings were cancelled): each retry means
# another write landed, so a few attempts suffice.
JOIN_ATTEMPTS = 5


def email_key(email):
    """The form of an email the duplicate guard compares (scc.addresses.address_key: NFKC, invisible
    characters removed, lower-cased, IDNA domain). A stored value that is not one mailbox (other
    software's) keys as the rule before this one did, trimmed and lower-cased: it matches no address."""
    try:
        return addresses.address_key(email)
    except addresses.NotOneAddress:
        return _legacy_key(email)


def _legacy_key(email):
    """What `roster_emails` held before addresses were normalised."""
    return email.strip().lower()


def _on_roster(event, key, *, besides=None):
    """Whether a patron other than `besides` (a patron_id) has this email key."""
    if besides is None and key in (event.roster_emails or set()):
        return True
    # Other software writes patrons without touching roster_emails: look at the roster too.
    return any(p.email and email_key(p.email) == key and p.patron_id != besides for p in ledger.roster(event))


def active_count(event):
    """Patrons whose booking is not cancelled: what `capacity` limits."""
    return sum(1 for patron in ledger.roster(event) if not ledger.is_cancelled(patron))


def capacity_of(event):
    return event.capacity_number


def _read_roster(event_id):
    return selectors.get_event(event_id=event_id, consistent=True, attributes=ROSTER_ATTRIBUTES)


def _why_not_join(event, key):
    """Why the event cannot take a patron with this email key now ("on_roster", "full"), or None."""
    if key and _on_roster(event, key):
        return "on_roster"
    capacity = capacity_of(event)
    if len(ledger.roster(event)) >= ROSTER_CAP or (capacity is not None and active_count(event) >= capacity):
        return "full"
    return None


def _join_condition(event, key):
    """The write's guard: what the read allowed still holds when the write lands.

    The roster only grows (a cancelled patron stays on it), and cancelled ones never come back,
    so `size(roster) < capacity + cancelled patrons read` keeps the active patrons within the
    capacity however many adds race, without failing adds that still fit. The capacity is pinned
    to the value read; `roster_emails` keeps one entry per email.
    """
    capacity = capacity_of(event)
    limit = ROSTER_CAP
    if capacity is not None:
        limit = min(limit, capacity + len(ledger.roster(event)) - active_count(event))
    condition = Event.event_id.exists() & (Event.roster.does_not_exist() | (size(Event.roster) < limit))
    if key:
        condition &= ~Event.roster_emails.contains(key)
    if capacity is None:
        return condition & Event.capacity.does_not_exist()
    return condition & (Event.capacity == event.capacity)


def _join(*, event_id, patron, entry, refuse):
    """Append `patron` to the roster (its email to `roster_emails`) and `entry` to the audit, in one
    UpdateItem under the roster's guard: one entry per email, at most ROSTER_CAP patrons, at most
    `capacity` patrons not cancelled, also under concurrent joins. Every way onto a roster (the
    waiver, an admin's Add patron) comes through here.

    refuse(event_id, event, reason) -> the caller's DomainError for the guard's refusals
    (event None: no such event; reason: "on_roster", "full" or None), or None to go ahead.
    """
    key = email_key(patron.email) if patron.email else None
    actions = [
        Event.roster.set((Event.roster | []).append([patron])),
        Event.audit.set((Event.audit | []).append([entry])),
    ]
    if key:
        actions.append(Event.roster_emails.add({key}))
    for _attempt in range(JOIN_ATTEMPTS):
        event = _read_roster(event_id)
        refusal = refuse(event_id, event, None if event is None else _why_not_join(event, key))
        if refusal:
            raise refusal
        if writes.update(event_id, actions=actions, condition=_join_condition(event, key)) is None:
            continue  # the event changed since the read: read again and decide again
        return patron
    return None


def _waiver_refusal(event_id, event, reason):
    """The guard's refusals in words for patrons."""
    if event is None:
        return EventNotFound(event_id)
    if ledger.is_past(event):
        return EventIsPast()
    if reason == "on_roster":
        return AlreadySignedUp()
    if reason == "full":
        return RosterFull()
    return None


def sign_waiver(*, event_id, full_name, email, phone=None):
    """Add a patron who signed the waiver to the event's roster, with a `waiver.signed` audit entry.

    Returns the new Patron. Raises EventNotFound, EventIsPast, AlreadySignedUp, RosterFull (the
    roster cap or the event's capacity) or EventTooLarge, having written nothing. Inputs are
    expected to be validated (events.forms.WaiverForm).
    """
    signed_at = clock.now_iso()
    patron = Patron(
        patron_id=new_patron_id(),
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
    try:
        joined = _join(event_id=event_id, patron=patron, entry=entry, refuse=_waiver_refusal)
    except StoredShapeConflict:
        raise SigningFailed(SIGNING_REFUSED_BY_STORED_SHAPE) from None
    if joined is None:
        raise SigningFailed()
    return joined


def new_patron_id():
    return "p-" + uuid.uuid4().hex


# The roster in the back office (admins). Each write is one UpdateItem with its audit entry;
# a write to one patron is pinned to that element by `roster[i].patron_id`, so a roster that
# other software rewrote between the read and the write cannot make it change someone else.

# How often a write to one patron re-reads and retries when the element moved or changed.
PATRON_WRITE_ATTEMPTS = 3


def _operator_refusal(event_id, event, reason):
    """The guard's refusals in words for operators."""
    if event is None:
        return EventNotFound(event_id)
    if reason == "full":
        return EventFull(active=active_count(event), capacity=capacity_of(event))
    return None


def _audit(operator, action, patron, detail):
    return AuditEntry(
        at=clock.now_iso(), operator=operator.username, action=action, patron_id=patron.patron_id, detail=detail
    )


def add_patron(*, operator, event_id, name, email="", phone=""):
    """Add a walk-up or phone booking to the roster, with a `roster.added` audit entry.

    The same guard as the waiver's: one entry per email, the roster cap and the event's capacity.
    Raises EventNotFound, EmailOnRoster, EventFull, EventTooLarge or RosterBusy, having written nothing.
    """
    patron = Patron(patron_id=new_patron_id(), name=name, email=email or None, phone=phone or None)
    contact = ", ".join(part for part in (email, phone) if part)
    entry = _audit(operator, AuditAction.ROSTER_ADDED, patron, f"Added {name}" + (f" ({contact})" if contact else ""))

    def refuse(event_id, event, reason):
        if reason == "on_roster":
            return EmailOnRoster(email)
        return _operator_refusal(event_id, event, reason)

    joined = _join(event_id=event_id, patron=patron, entry=entry, refuse=refuse)
    if joined is None:
        raise RosterBusy()
    return joined


def _locate_patron(event, patron_id):
    """(index in `roster`, Patron) or raise PatronNotFound."""
    for index, patron in enumerate(ledger.roster(event)):
        if patron.patron_id == patron_id:
            return index, patron
    raise PatronNotFound(patron_id)


def _write_patron(*, event_id, patron_id, attributes, plan):
    """Change one roster element (and append its audit entry) in one UpdateItem pinned to it.

    plan(event, index, patron) -> None (nothing to write) or (actions, condition): the actions
    include the audit entry; the condition is added to "the event exists and roster[index] is
    still this patron". Re-reads and plans again when the condition fails. Returns the patron
    as stored afterwards.
    """
    for _attempt in range(PATRON_WRITE_ATTEMPTS):
        event = selectors.get_event(event_id=event_id, consistent=True, attributes=attributes)
        if event is None:
            raise EventNotFound(event_id)
        index, patron = _locate_patron(event, patron_id)
        step = plan(event, index, patron)
        if step is None:
            return patron
        actions, condition = step
        updated = writes.update(
            event_id,
            actions=actions,
            condition=Event.event_id.exists() & (Event.roster[index].patron_id == patron_id) & condition,
            full_message="This event's record is full (DynamoDB's 400 KB item limit); nothing was saved.",
        )
        if updated is None:
            continue
        return updated.roster[index]
    raise RosterBusy()


def _pinned(attribute, value):
    """A condition that `attribute` still has the value read (None: still absent)."""
    return attribute.does_not_exist() if value is None else attribute == value


def _audit_append(entry):
    return Event.audit.set((Event.audit | []).append([entry]))


PATRON_LABELS = {"name": "Name", "email": "Email", "phone": "Phone"}


def update_patron(*, operator, event_id, patron_id, changes):
    """Correct a patron's name, email or phone (changes: {field: new value}; "" clears email or phone).

    One entry per email still holds: `roster_emails` is rewritten with the change, pinned to the
    set read. A change to nothing new writes nothing. Raises EventNotFound, PatronNotFound,
    EmailOnRoster, EventTooLarge or RosterBusy.
    """

    def plan(event, index, patron):
        wanted = {field: value or None for field, value in changes.items()}
        wanted = {field: value for field, value in wanted.items() if value != getattr(patron, field)}
        if not wanted:
            return None
        element = Event.roster[index]
        actions, condition = [], Event.event_id.exists()
        for field, value in wanted.items():
            attribute = getattr(element, field)
            actions.append(attribute.remove() if value is None else attribute.set(value))
        if "email" in wanted:
            actions_emails, condition = _email_change(event, patron, wanted["email"])
            actions += actions_emails
        detail = "; ".join(
            f"{PATRON_LABELS[field]}: {getattr(patron, field) or '(none)'} → {value or '(none)'}"
            for field, value in wanted.items()
        )
        actions.append(_audit_append(_audit(operator, AuditAction.ROSTER_UPDATED, patron, detail)))
        return actions, condition

    return _write_patron(event_id=event_id, patron_id=patron_id, attributes=ROSTER_ATTRIBUTES, plan=plan)


def _email_change(event, patron, email):
    """Actions and condition moving `patron`'s email key in `roster_emails` to `email`'s (None: no email)."""
    new_key = email_key(email) if email else None
    if new_key and _on_roster(event, new_key, besides=patron.patron_id):
        raise EmailOnRoster(email)
    keys = set(event.roster_emails or set())
    old_key = email_key(patron.email) if patron.email else None
    if old_key and not _on_roster(event, old_key, besides=patron.patron_id):
        keys -= {old_key, _legacy_key(patron.email)}
    if new_key:
        keys.add(new_key)
    # ADD and DELETE cannot both touch roster_emails in one UpdateItem: set it whole, pinned to
    # the set read (a sign-up landing meanwhile fails the pin and the write is planned again).
    action = Event.roster_emails.set(keys) if keys else Event.roster_emails.remove()
    condition = _pinned(Event.roster_emails, event.roster_emails or None)
    return [action], condition


def cancel_booking(*, operator, event_id, patron_id, reason):
    """Mark a booking cancelled (cancelled_at, cancel_reason) with a `roster.cancelled` audit entry.

    The patron stays on the roster and is no longer expected to pay; their payments stay in the
    ledger (what they paid then shows as overpaid, to refund). Raises EventNotFound,
    PatronNotFound, AlreadyCancelled or RosterBusy.
    """

    def plan(event, index, patron):
        if patron.cancelled_at:
            raise AlreadyCancelled()
        at = clock.now_iso()
        element = Event.roster[index]
        entry = _audit(operator, AuditAction.ROSTER_CANCELLED, patron, f"Cancelled {patron.name}: {reason}")
        actions = [element.cancelled_at.set(at), element.cancel_reason.set(reason), _audit_append(entry)]
        return actions, element.cancelled_at.does_not_exist()

    return _write_patron(event_id=event_id, patron_id=patron_id, attributes=CHECKIN_ATTRIBUTES, plan=plan)


CHECKIN_ATTRIBUTES = ["event_id", "roster"]


def set_checked_in(*, operator, event_id, patron_id, checked_in):
    """Check a patron in (checked_in_at, `roster.checked_in`) or undo it (`roster.checked_out`).

    Asking for the state the patron is already in writes nothing (a second tap is harmless).
    A cancelled booking cannot be checked in; undoing a check-in stays possible. Raises
    EventNotFound, PatronNotFound, PatronCancelled or RosterBusy.
    """

    def plan(event, index, patron):
        if bool(patron.checked_in_at) == checked_in:
            return None
        element = Event.roster[index]
        if checked_in:
            if patron.cancelled_at:
                raise PatronCancelled()
            entry = _audit(operator, AuditAction.ROSTER_CHECKED_IN, patron, f"Checked in {patron.name}")
            actions = [element.checked_in_at.set(entry.at), _audit_append(entry)]
            return actions, element.checked_in_at.does_not_exist() & element.cancelled_at.does_not_exist()
        entry = _audit(operator, AuditAction.ROSTER_CHECKED_OUT, patron, f"Undid the check-in of {patron.name}")
        return [element.checked_in_at.remove(), _audit_append(entry)], element.checked_in_at.exists()

    return _write_patron(event_id=event_id, patron_id=patron_id, attributes=CHECKIN_ATTRIBUTES, plan=plan)


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
        actions = [getattr(Event, name).set(value) for name, value in values.items()]
        actions += [Event.version.set(FIRST_VERSION), Event.audit.set([entry])]
        event = writes.update(
            candidate, actions=actions, condition=Event.event_id.does_not_exist(), full_message=EVENT_FULL
        )
        if event is None:
            continue
        return event
    raise EventIdTaken(candidate)


def _set_or_remove(name, value):
    attribute = getattr(Event, name)
    return attribute.remove() if value is None else attribute.set(value)


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
            active = active_count(event)
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
        updated = writes.update(event_id, actions=actions, condition=condition, full_message=EVENT_FULL)
        if updated is None:
            continue  # the event went, its version moved or its roster grew: read again and decide
        return updated
    raise RosterBusy()
