"""Forms of the desk's member file and prior-agreement requests."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapMixin


class MemberDataForm(BootstrapMixin, forms.Form):
    """Administrative data an agent updates at the desk. A new IBAN is not applied here: it waits for a second
    staff account (members.change_requests)."""

    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    employer = forms.CharField(label=_("Employer administration"), max_length=200, required=False)
    grade = forms.CharField(label=_("Grade"), max_length=100, required=False)
    iban = forms.CharField(label=_("Bank account (IBAN)"), max_length=34, required=False,
                           help_text=_("A new bank account applies once a second staff account validates it."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
        self.fields["iban"].widget.attrs["dir"] = "ltr"
        self.fields["phone"].widget.attrs["dir"] = "ltr"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(max_length=300, required=False)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what the browser's date input reads


class AgreementRequestForm(BootstrapMixin, forms.Form):
    beneficiary = forms.TypedChoiceField(label=_("Beneficiary"), coerce=int)
    acts = forms.MultipleChoiceField(label=_("Acts"), widget=forms.SelectMultiple(attrs={"size": 6}))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE_INPUT)
    notes = forms.CharField(label=_("Notes for the liquidator"), required=False, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, beneficiaries, acts, **kwargs) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("valid_from", today)
        kwargs["initial"].setdefault("valid_to", today + timedelta(days=90))
        super().__init__(*args, **kwargs)
        beneficiary_field = self.fields["beneficiary"]
        acts_field = self.fields["acts"]
        assert isinstance(beneficiary_field, forms.ChoiceField) and isinstance(acts_field, forms.ChoiceField)
        beneficiary_field.choices = beneficiaries
        acts_field.choices = acts
        self.style_fields()

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            self.add_error("valid_to", _("The validity ends before it starts."))
        return data


def spread_errors(form: forms.Form, error) -> None:
    """A service's ValidationError next to the field it is about (or at the top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
