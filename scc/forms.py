from django import forms


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=64, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        max_length=256, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
