from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Mutual

from .models import RequestType, Service

if TYPE_CHECKING:
    from claims.models import PriorAgreement
    from members.models import Beneficiary


class BootstrapMixin:
    fields: dict[str, forms.Field]  # a Django form's, mixed into one

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """The form's choice field `name`, typed as one (its queryset is set per request)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class LocalNameChoiceField(forms.ModelChoiceField):
    """Services and mutuals named in the reader's language (their Arabic name in Arabic), not by __str__."""

    def label_from_instance(self, obj) -> str:
        from .selectors import localized_name

        return localized_name(obj)


class BeneficiaryChoiceField(forms.ModelChoiceField):
    """A beneficiary as the pages name one: in Arabic letters in Arabic when recorded, with the relation."""

    def label_from_instance(self, obj) -> str:
        from members.templatetags.people import person, relation

        return f"{person(obj)} ({relation(obj)})"


class VisitorForm(BootstrapMixin, forms.Form):
    """Reception of a visitor not found by the search (not yet identified, or from a sister mutual)."""

    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=200)
    visitor_cin = forms.CharField(label=_("CIN (if given)"), max_length=8, required=False)
    visitor_mutual = LocalNameChoiceField(label=_("Mutual"), queryset=Mutual.objects.all(), required=False,
                                          empty_label=_("Unknown"))
    request_types = forms.MultipleChoiceField(label=_("Requests"), choices=RequestType.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    oriented_to = LocalNameChoiceField(label=_("Orient to"), queryset=Service.objects.none(), required=False,
                                       empty_label=_("Not yet"))

    def __init__(self, *args, unit=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            _choices(self, "oriented_to").queryset = unit.services.all()
        self.style_fields()


class VisitUpdateForm(BootstrapMixin, forms.Form):
    request_types = forms.MultipleChoiceField(label=_("Requests"), choices=RequestType.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    oriented_to = LocalNameChoiceField(label=_("Orient to"), queryset=Service.objects.none(), required=False,
                                       empty_label=_("Not yet"))
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_notes = forms.CharField(label=_("Follow-up notes"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, unit=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            _choices(self, "oriented_to").queryset = unit.services.all()
        self.style_fields()


class LabOrderForm(BootstrapMixin, forms.Form):
    beneficiary: "forms.ModelChoiceField[Beneficiary]" = BeneficiaryChoiceField(label=_("Beneficiary"), queryset=None)
    practitioner_name = forms.CharField(label=_("Practitioner"), max_length=200)
    price = forms.DecimalField(label=_("Price billed (MAD)"), min_value=0.01, max_digits=10, decimal_places=2)
    prior_agreement: "forms.ModelChoiceField[PriorAgreement]" = forms.ModelChoiceField(
        label=_("Prior agreement"), queryset=None, required=False, empty_label=_("None"))
    impression_on = forms.DateField(label=_("Impression taken on"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, member, **kwargs) -> None:
        from claims.models import PriorAgreement

        super().__init__(*args, **kwargs)
        _choices(self, "beneficiary").queryset = member.beneficiaries.all()
        _choices(self, "prior_agreement").queryset = PriorAgreement.objects.filter(
            beneficiary__member=member, acts__code="PAD").distinct()
        self.style_fields()
