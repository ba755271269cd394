from django import forms
from django.utils.translation import gettext_lazy as _

from claims.forms import choice_field
from claims.models import Act

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}


def _act_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(code, code) for code in Act.objects.order_by("code").values_list("code", flat=True)]


class CoverageForm(forms.Form):
    membership_number = forms.CharField(label=_("Membership number"), max_length=10,
                                        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    birth_date = forms.DateField(label=_("Beneficiary's birth date"), widget=DATE)
    on = forms.DateField(label=_("Care date"), widget=DATE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control",
                                                             "accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AgreementRequestForm(forms.Form):
    membership_number = forms.CharField(label=_("Membership number"), max_length=10, widget=forms.TextInput(TEXT))
    birth_date = forms.DateField(label=_("Beneficiary's birth date"), widget=DATE)
    act_code = forms.ChoiceField(label=_("Act"), widget=forms.Select(attrs={"class": "form-select"}))
    planned_from = forms.DateField(label=_("Planned from"), widget=DATE)
    planned_to = forms.DateField(label=_("Planned to"), widget=DATE)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000,
                                  widget=forms.NumberInput(TEXT))
    estimated_amount = forms.DecimalField(label=_("Estimated amount (MAD)"), max_digits=12, decimal_places=2,
                                          min_value=0.01, widget=forms.NumberInput({**TEXT, "step": "0.01"}))
    notes = forms.CharField(label=_("Medical note"), required=False, max_length=2000,
                            widget=forms.Textarea({**TEXT, "rows": 3}))
    documents = MultipleFileField(label=_("Medical documents (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "act_code").choices = _act_choices()


class InvoiceForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Prior agreement"), widget=forms.Select(attrs={"class": "form-select"}))
    number = forms.CharField(label=_("Invoice number"), max_length=64, widget=forms.TextInput(TEXT))
    documents = MultipleFileField(label=_("Invoice document (PDF, JPEG, PNG)"), required=False)
    care_sheets = MultipleFileField(label=_("Care sheet"), required=False)
    prescriptions = MultipleFileField(label=_("Prescriptions (medicines, laboratory, imaging)"), required=False)

    def __init__(self, *args, agreements=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "agreement").choices = [("", "—")] + [(a.reference, a.reference) for a in agreements]


class InvoiceLineForm(forms.Form):
    act_code = forms.ChoiceField(label=_("Act"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    care_date = forms.DateField(label=_("Care date"), required=False, widget=DATE)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000, required=False,
                                  widget=forms.NumberInput(TEXT))
    billed_amount = forms.DecimalField(label=_("Billed amount (MAD)"), max_digits=12, decimal_places=2,
                                       min_value=0.01, required=False,
                                       widget=forms.NumberInput({**TEXT, "step": "0.01"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "act_code").choices = _act_choices()

    def clean(self):
        data = super().clean()
        filled = [data.get(name) not in (None, "") for name in ("act_code", "care_date", "quantity", "billed_amount")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(_("Fill every field of this line, or none."))
        return data


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=4, max_num=40)
