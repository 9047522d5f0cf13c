"""Named codes with human labels, and the audit trail's actions.

A `Vocabulary` is a StrEnum whose members also carry a label: `AuditAction.PAYMENT_LOGGED`
is stored and filtered as "payment.logged" and shown as "Payment logged". Members compare equal
to their codes, so values read back from DynamoDB (plain strings) need no conversion.
Each vocabulary lives beside the schema that stores it, at the lowest layer that writes it:
`accounts.models.Role`, `events.models.RecordKind` and `events.models.PaymentMethod`.
Every vocabulary registers itself under a name (`record_kind`, ...), so templates (the `label`
filter) and scripts (`vocabulary_json`) reach all of them without `scc` importing the apps.

`AuditAction` lives here, in `scc`, rather than beside `events.models.AuditEntry`: the audit
trail is one stream with one set of codes, written by events (waivers, rosters, events), by
payments, and by operator management (`accounts`, below `events`: it must not import it); the
audit page, the CSV and the `action` filter list every code together. Splitting the codes by
layer would leave two lists to keep in step for one filter.
"""

from enum import StrEnum

VOCABULARIES = {}


class Vocabulary(StrEnum):
    """A StrEnum whose members are declared as `NAME = code, label`."""

    def __new__(cls, code, label):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def choices(cls):
        """(code, label) pairs, in declaration order: for form fields."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def labels(cls):
        """{code: label}: what scripts read."""
        return {member.value: member.label for member in cls}

    @classmethod
    def has(cls, code):
        """Whether `code` (a stored string, None, anything) is one of this vocabulary's codes."""
        try:
            cls(code)
        except ValueError:
            return False
        return True

    @classmethod
    def label_for(cls, code):
        """The label of a code; a code this vocabulary does not know (other software's) as it is."""
        try:
            return cls(code).label
        except ValueError:
            return code


def register(name):
    """Class decorator: make a vocabulary reachable by `name` from templates and scripts."""

    def decorator(vocabulary):
        VOCABULARIES[name] = vocabulary
        return vocabulary

    return decorator


def label(name, code):
    vocabulary = VOCABULARIES.get(name)
    return code if vocabulary is None else vocabulary.label_for(code)


@register("audit_action")
class AuditAction(Vocabulary):
    PAYMENT_LOGGED = "payment.logged", "Payment logged"
    PAYMENT_VOIDED = "payment.voided", "Payment voided"
    PAYMENT_REFUNDED = "payment.refunded", "Payment refunded"
    EMAIL_SENT = "email.sent", "Email sent"
    EMAIL_FAILED = "email.failed", "Email failed"
    WAIVER_SIGNED = "waiver.signed", "Waiver signed"
    EVENT_CREATED = "event.created", "Event created"
    EVENT_UPDATED = "event.updated", "Event updated"
    ROSTER_ADDED = "roster.added", "Patron added"
    ROSTER_UPDATED = "roster.updated", "Patron updated"
    ROSTER_CANCELLED = "roster.cancelled", "Booking cancelled"
    ROSTER_CHECKED_IN = "roster.checked_in", "Checked in"
    ROSTER_CHECKED_OUT = "roster.checked_out", "Check-in undone"
    OPERATOR_ADDED = "operator.added", "Operator added"
    OPERATOR_UPDATED = "operator.updated", "Operator updated"


# Actions the audit page marks for a second look: money taken back, a mail that did not go.
NEEDS_ATTENTION = frozenset({AuditAction.PAYMENT_VOIDED, AuditAction.PAYMENT_REFUNDED, AuditAction.EMAIL_FAILED})


@register("actor")
class Actor(Vocabulary):
    """Who acted, when it was not an operator: stored in `operator` as these codes (events.services,
    accounts.models), shown in words. Any other value is an operator's username, shown as it is."""

    PATRON = "(patron)", "Patron (waiver page)"
    COMMAND_LINE = "(command line)", "Command line"
