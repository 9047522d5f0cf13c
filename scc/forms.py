from django import forms
from django.core.exceptions import ValidationError

from scc import addresses, errors, text
from scc.exceptions import DomainError


class ServiceForm(forms.Form):
    """A page form whose submission calls a service: a refusal (a domain error) becomes the
    form's message through scc.errors.refuse_form, and `status` the page's status."""

    refusal = None
    _refusal_status = None

    def submit(self, service, **kwargs):
        """service(**kwargs), or None when the service refused (the refusal is then on the form)."""
        try:
            return service(**kwargs)
        except DomainError as error:
            self.refuse(error)
            return None

    def refuse(self, error):
        self.refusal = error
        self._refusal_status = errors.refuse_form(self, error)

    @property
    def status(self):
        """200 for a fresh form, 400 for invalid input, else the refusal's status."""
        if self.refusal is not None:
            return self._refusal_status
        return 400 if self.is_bound and not self.is_valid() else 200


class JsonForm(forms.Form):
    """A Form fed from a parsed JSON object (scc.api.validated); string fields refuse non-strings."""

    string_fields = ()

    @classmethod
    def from_json(cls, data):
        type_errors = {}
        for name in cls.string_fields:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                type_errors[name] = ["Must be a string."]
        form = cls(data={name: data.get(name) for name in cls.base_fields})
        form.type_errors = type_errors
        return form

    def api_errors(self):
        errors = {name: [str(m) for m in messages] for name, messages in self.errors.items()}
        errors.update(self.type_errors)
        return errors

    def is_valid(self):
        return super().is_valid() and not self.type_errors


class IdField(forms.CharField):
    """An id as stored (event, patron, payment): taken exactly as sent, never trimmed (other
    software's ids may start or end with spaces); an empty one is refused, never taken for absent."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)


class TextField(forms.CharField):
    """Text people store (names, notes, reasons): scc.text's rule. One-line text has its white space
    folded to single spaces; multi-line text keeps line feeds and tabs (CR LF becomes LF)."""

    def __init__(self, *, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        if self.multiline:
            return text.check_text(value.replace("\r\n", "\n").replace("\r", "\n"), multiline=True)
        return text.one_line(value)


class EmailAddressField(forms.CharField):
    """Exactly one mailbox, in its plain form (scc.addresses): NFKC, invisible characters removed.
    Lists, display names and anything else are refused; empty is "" (none) when not required."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", addresses.MAX_LENGTH + 100)  # the plain form is checked again
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return addresses.clean_address(value)
        except addresses.NotOneAddress as error:
            raise ValidationError(self.error_messages.get("invalid") or str(error), code="invalid") from None


class StrictBooleanField(forms.Field):
    """JSON true or false (absent means false); "yes", 1 and "false" are refused, not guessed."""

    def to_python(self, value):
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        raise ValidationError("Must be true or false.")


class RequiredBooleanField(StrictBooleanField):
    """JSON true or false, and it must be given."""

    def to_python(self, value):
        if value is None:
            raise ValidationError("Must be true or false.")
        return super().to_python(value)
