from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import ChangeField


class ActivationForm(forms.Form):
    membership_number = forms.CharField(label=_("Membership number"), max_length=10,
                                        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    cin = forms.CharField(label=_("National ID (CIN)"), max_length=10,
                          widget=forms.TextInput(attrs={"autocomplete": "off"}))
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    password1 = forms.CharField(label=_("Choose a password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_password1(self) -> str:
        # Checked before the facts are (and without them), so a weak-password message says nothing about them.
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password)
        return password

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class ChangeRequestForm(forms.Form):
    field = forms.ChoiceField(label=_("What to change"), choices=ChangeField.choices)
    new_value = forms.CharField(label=_("New value"), max_length=300,
                                help_text=_("A new bank account (IBAN) applies once the mutual has checked it."))
