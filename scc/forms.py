from django import forms

from scc import errors
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
