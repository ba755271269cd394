"""Forms of the claim pages: they parse input; every rule is checked by claims.services.intake."""

import uuid
from datetime import date
from decimal import Decimal
from typing import cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, Sector
from .selectors import act_choices
from .services.intake import LineData


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, typed as one (its choices are filled at run time)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and aria-invalid/aria-describedby on fields with errors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
                css = "form-select"
            elif isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class AmountField(forms.DecimalField):
    """Dirhams as people type them: "150,50", "150.50", "1 200,00" (a comma or a dot before the centimes)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.replace("\u00a0", " ").replace("\u202f", " ").split())
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class CareDateForm(StyledForm):
    care_on = forms.DateField(label=_("Date of the care"), widget=DateInput())


class NewClaimForm(StyledForm):
    care_on = forms.DateField(label=_("Date of the care"), widget=DateInput())
    beneficiary = forms.IntegerField(label=_("For whom"), widget=forms.RadioSelect)
    sector = forms.ChoiceField(label=_("Sector of the provider"), choices=Sector.choices, initial=Sector.PRIVATE)
    provider_name = forms.CharField(label=_("Provider (doctor, clinic, pharmacy…)"), max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)


class DraftDetailsForm(StyledForm):
    sector = forms.ChoiceField(label=_("Sector of the provider"), choices=Sector.choices)
    provider_name = forms.CharField(label=_("Provider (doctor, clinic, pharmacy…)"), max_length=200, required=False)
    provider_ref = forms.CharField(label=_("Provider ID (optional)"), max_length=40, required=False)


class LineForm(StyledForm):
    act_code = forms.ChoiceField(label=_("Care"))
    care_date = forms.DateField(label=_("Care date"), widget=DateInput())
    quantity = forms.IntegerField(label=_("Quantity or coefficient"), initial=1, min_value=1, max_value=100_000,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    billed_amount = AmountField(label=_("Amount paid (MAD)"), max_digits=14,
                                       widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    ald = forms.BooleanField(label=_("Long-term illness (ALD)"), required=False)
    prior_agreement_ref = forms.CharField(label=_("Prior agreement reference"), max_length=32, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "act_code").choices = [("", "—")] + act_choices()

    def line_data(self) -> LineData:
        data = self.cleaned_data
        return LineData(act_code=data["act_code"], care_date=data["care_date"], quantity=data["quantity"],
                        billed_amount=Decimal(data["billed_amount"]), ald=bool(data.get("ald")),
                        prior_agreement_ref=data.get("prior_agreement_ref") or "")


class DeskLineForm(LineForm):
    """A row of the front-desk grid: a blank row is skipped."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quantity"].initial = None
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["ald"].widget.attrs["class"] = "form-check-input"
        self.fields["act_code"].widget.attrs["class"] = "form-select form-select-sm"


class BaseDeskLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[LineData]:
        return [form.line_data() for form in self.forms if form.has_changed() and form.cleaned_data]


# formset_factory returns a subclass of the `formset` given (its stub says only BaseFormSet): named here.
DeskLineFormSet = cast(type[BaseDeskLineFormSet], forms.formset_factory(
    DeskLineForm, formset=BaseDeskLineFormSet, extra=6, max_num=40, validate_max=True))


class AttachmentForm(StyledForm):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,"
                                                                            "image/jpeg,image/png"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # static/js/claims.js refuses a scan over the limit in the browser, before it is sent.
        limit = settings.MAX_UPLOAD_BYTES
        self.limit_text = filesizeformat(limit)  # the hint under the field says the limit configured, not a copy
        self.fields["file"].widget.attrs.update({"data-max-bytes": str(limit), "data-too-large": gettext(
            "This file is too large to send. The largest accepted scan is %(limit)s: scan the document again at a "
            "lower resolution (300 dpi is enough).") % {"limit": self.limit_text}})


class DeskClaimForm(StyledForm):
    beneficiary = forms.TypedChoiceField(label=_("Beneficiary"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Receiving unit"), coerce=int)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.PRIVATE)
    provider_name = forms.CharField(label=_("Provider"), max_length=200, required=False)
    provider_ref = forms.CharField(label=_("Provider ID"), max_length=40, required=False)
    missing_documents = forms.CharField(
        label=_("Missing documents (leave empty when the file is complete)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)

    def __init__(self, *args, beneficiaries: list, units: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "beneficiary").choices = [(b.beneficiary.pk, b) for b in beneficiaries]
        arabic = (get_language() or "")[:2] == "ar"
        choice_field(self, "unit").choices = [(unit.pk, (unit.name_ar if arabic else "") or unit.name_fr)
                                              for unit in units]
        self.initial.setdefault("received_on", timezone.localdate())
        self.initial.setdefault("idempotency_key", new_idempotency_key())
        if units:
            self.initial.setdefault("unit", units[0].pk)
        if beneficiaries:
            self.initial.setdefault("beneficiary", beneficiaries[0].beneficiary.pk)


class IncompleteForm(StyledForm):
    missing_documents = forms.CharField(label=_("Missing documents"), widget=forms.Textarea(attrs={"rows": 3}))


class TrackForm(StyledForm):
    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))
    birth_date = forms.DateField(label=_("Member's birth date"), widget=DateInput())


class MemberSearchForm(StyledForm):
    q = forms.CharField(label=_("Membership number, CIN or name"), max_length=100, required=False)


class SlipDayForm(StyledForm):
    day = forms.DateField(label=_("Day"), widget=DateInput(), required=False)

    def day_or_today(self) -> date:
        if self.is_valid() and self.cleaned_data.get("day"):
            return self.cleaned_data["day"]
        return timezone.localdate()


class EstimateForm(StyledForm):
    beneficiary = forms.ChoiceField(label=_("For whom"))
    sector = forms.ChoiceField(label=_("Sector of the provider"), choices=Sector.choices, initial=Sector.PRIVATE)

    def __init__(self, *args, beneficiaries=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from members.templatetags.people import person, relation

        choice_field(self, "beneficiary").choices = [(str(b.pk), f"{person(b)} ({relation(b)})") for b in beneficiaries]


class EstimateLineForm(DeskLineForm):
    """A line of an estimate: a blank row is skipped."""


class BaseEstimateLineFormSet(forms.BaseFormSet):
    def lines(self) -> list:
        from .liquidation import LineInput

        return [LineInput(act_code=data["act_code"], care_date=data["care_date"], quantity=data["quantity"],
                          billed_amount=Decimal(data["billed_amount"]), ald=bool(data.get("ald")))
                for form in self.forms if form.has_changed() and (data := form.cleaned_data)]


EstimateLineFormSet = cast(type[BaseEstimateLineFormSet], forms.formset_factory(
    EstimateLineForm, formset=BaseEstimateLineFormSet, extra=3, max_num=10, validate_max=True))
