"""Domain errors of events: what signing up, and any write to an event, can be refused for.

Messages of the waiver's errors are written for patrons (they show on the public page).
"""

from events.serializers import event_json
from scc.exceptions import Conflict, InvalidInput, NotFound, RecordFull, Throttled


class EventNotFound(NotFound):
    def __init__(self, event_id):
        super().__init__(f"No event with id {event_id!r}.")
        self.event_id = event_id


class EventTooLarge(RecordFull):
    """The event's item is at DynamoDB's 400 KB limit. Payments pass a message for operators."""

    message = "Sorry, we cannot add more sign-ups to this event's record. Please contact the crew so they can add you."


class StoredShapeConflict(Conflict):
    """DynamoDB refused a write because a stored value has another type than the app's (other software's)."""

    message = (
        "This event's stored data has a shape the app cannot change (it was written by other software), "
        "so nothing was saved. The event's page shows what cannot be read."
    )


class UnreadableRecord(Conflict):
    """The record a request names (or one it depends on) cannot be read: the app will not act on it."""

    def __init__(self, where, *, field="payment_id"):
        super().__init__(
            f"The stored record {where} cannot be read (it was written by other software), so the app will "
            "not act on it. Nothing was saved.",
            fields={field: ["Its stored record cannot be read."]},
        )
        self.where = where


class EventIsPast(Conflict):
    message = "This event has already taken place, so its waiver can no longer be signed."


class AlreadySignedUp(Conflict):
    message = "Good news: you are already signed up for this event with that email, so there is nothing more to do."


class RosterFull(Conflict):
    message = "Sorry, this event is full: it already has the most patrons we can sign up. Please contact the crew."


class SigningFailed(Conflict):
    """The write's condition failed, yet a fresh read shows no reason: the event changed meanwhile."""

    message = "We could not record your signature. Please try again."


class TooManySignUps(Throttled):
    message = "Too many sign-ups from this connection. Please wait a few minutes and try again."


# The roster in the back office: messages for operators. -------------------------------------------


class PatronNotFound(NotFound):
    def __init__(self, patron_id):
        super().__init__(
            f"No patron with id {patron_id!r} on this event's roster.", fields={"patron_id": ["Not on the roster."]}
        )


class EmailOnRoster(Conflict):
    def __init__(self, email):
        super().__init__(
            f"{email} is already on this event's roster: one entry per email.",
            fields={"email": ["Already on the roster."]},
        )


class EventFull(Conflict):
    def __init__(self, *, active, capacity):
        if capacity is None or active < capacity:
            message = "This event's roster is at its limit of 500 entries; nobody more can be added."
        else:
            message = (
                f"This event is full: {active} of {capacity} places are booked. "
                "Raise its capacity or cancel a booking first."
            )
        super().__init__(message)


class AlreadyCancelled(Conflict):
    message = "That booking is already cancelled."


class PatronCancelled(Conflict):
    message = "That booking is cancelled: a cancelled patron cannot be checked in."


class RosterBusy(Conflict):
    message = "The roster kept changing while saving; nothing was saved. Reload and try again."


# Creating and editing events (the back office). Messages are for operators.


class EventIdTaken(Conflict):
    def __init__(self, event_id):
        super().__init__(
            f"An event with id {event_id!r} already exists. Choose another id, or leave it out to get a new one.",
            fields={"event_id": ["Already taken."]},
        )
        self.event_id = event_id


class StaleEvent(Conflict):
    """The version the editor read is no longer the stored one. Carries the event as stored now."""

    message = (
        "Someone else saved changes to this event after you opened it, so your changes were not saved. "
        "The current values are shown; check them and save again."
    )

    def __init__(self, current):
        super().__init__(data={"event": event_json(current)})
        self.current = current


class CapacityBelowRoster(InvalidInput):
    def __init__(self, active):
        super().__init__(
            f"This event has {active} active booking{'s' if active != 1 else ''}, so its capacity cannot be "
            f"lower than {active}. Cancel bookings first, or choose {active} or more.",
            fields={"capacity": [f"At least {active} (the active bookings)."]},
        )
        self.active = active


EVENT_FULL = (
    "This event's record is full (DynamoDB's 400 KB item limit), so the change was not saved. "
    "Shorten the waiver text, or ask an administrator to archive old payments."
)
