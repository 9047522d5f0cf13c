from django import forms

from accounts import passwords
from accounts.models import Role
from scc import limits
from scc.forms import ServiceForm

USERNAME_HELP = f"1-{limits.USERNAME_MAX} letters, digits, '.', '-' or '_'."


def _password_field(label, *, autocomplete="new-password", help_text=""):
    return forms.CharField(
        label=label,
        max_length=passwords.MAX_LENGTH,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class FocusFirstError:
    """The Django admin's idiom: the first field with an error gets the focus when the page shows again."""

    def add_error(self, field, error):
        super().add_error(field, error)
        first = next((name for name in self.fields if name in self.errors), None)
        for name, form_field in self.fields.items():
            if name == first:
                form_field.widget.attrs["autofocus"] = True
            elif first is not None:
                form_field.widget.attrs.pop("autofocus", None)


class LoginForm(ServiceForm):
    username = forms.CharField(
        max_length=limits.USERNAME_MAX, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        max_length=limits.PASSWORD_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class _NewPasswordForm(FocusFirstError, ServiceForm):
    """A new password typed twice; the password validators run in the service (the API's too) and
    their rules show under the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(passwords.help_texts())

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", "The two passwords do not match.")
        return data


class AddOperatorForm(_NewPasswordForm):
    username = forms.CharField(
        label="Username",
        max_length=limits.USERNAME_MAX,
        help_text=USERNAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices(), initial=Role.STAFF)
    password = _password_field("Password")
    password_confirm = _password_field("Confirm password")


class ActionForm(ServiceForm):
    """A row action that is only a button: nothing to fill in, only the service's refusal to show."""


class ChangeRoleForm(FocusFirstError, ServiceForm):
    role = forms.ChoiceField(label="Role", choices=Role.choices())


class ResetPasswordForm(_NewPasswordForm):
    password = _password_field("New password")
    password_confirm = _password_field("Confirm new password")


class ChangePasswordForm(_NewPasswordForm):
    current_password = _password_field("Current password", autocomplete="current-password")
    password = _password_field("New password")
    password_confirm = _password_field("Confirm new password")
