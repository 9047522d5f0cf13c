"""Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), for every place a password is set."""

from django.contrib.auth import password_validation
from django.core.exceptions import FieldDoesNotExist, ValidationError

from accounts.errors import InvalidOperator
from scc import limits

MAX_LENGTH = limits.PASSWORD_MAX  # as sign-in reads; hashing longer input only costs time


class _PasswordOwner:
    """What the validators read about the operator: the username, and `_meta` to name the field
    in "The password is too similar to the username."."""

    class _meta:  # noqa: N801 (the name Django's UserAttributeSimilarityValidator reads)
        @staticmethod
        def get_field(name):
            raise FieldDoesNotExist(name)

    def __init__(self, username):
        self.username = username


def validate(password, *, username, field="password"):
    """Raise InvalidOperator with the validators' messages under `field` when the password will not do."""
    if not isinstance(password, str) or not password:
        raise InvalidOperator("Enter a password.", fields={field: ["This field is required."]})
    messages = []
    if len(password) > MAX_LENGTH:
        messages.append(f"Use at most {MAX_LENGTH} characters.")
    else:
        try:
            password_validation.validate_password(password, _PasswordOwner(username))
        except ValidationError as error:
            messages = error.messages
    if messages:
        raise InvalidOperator("Choose another password: " + " ".join(messages), fields={field: messages})


def help_texts():
    return password_validation.password_validators_help_texts()
