"""Domain errors: what the app refuses, and why, in words for the person asking.

Services raise these; they carry no HTTP. The kind (the class they derive from) says what went
wrong; scc.errors is the one place that turns a kind into a JSON error or a page message.
Each app names its own cases (accounts.errors, events.errors, payments.errors).
"""


class DomainError(Exception):
    """A refusal. `message`: one sentence for the user; `fields`: {field: [messages]};
    `data`: facts the caller may act on (e.g. {"email_sent": False})."""

    message = "The request could not be completed."

    def __init__(self, message=None, *, fields=None, data=None):
        self.message = message or self.message
        self.fields = fields
        self.data = data or {}
        super().__init__(self.message)


class InvalidInput(DomainError):
    """The request itself is wrong (shape, values, references); nothing was written."""


class NotFound(DomainError):
    """What the request names does not exist."""


class Conflict(DomainError):
    """The request is fine, but the stored state does not allow it now (taken, already done, full)."""


class NotAuthenticated(DomainError):
    """The credentials do not match an active operator."""


class Throttled(DomainError):
    """Too many attempts; try again later."""


class RequestTooLarge(DomainError):
    """The request body is larger than the app reads."""


class RecordFull(DomainError):
    """The write would pass DynamoDB's 400 KB item limit; nothing already stored was harmed."""


class DeliveryFailed(DomainError):
    """An outside service (mail) failed; what was saved before stays saved."""
