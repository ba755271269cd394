"""Forms of the provident pages: they parse input; every rule is checked by provident.services.intake."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.forms import DateInput, StyledForm

from .models import BenefitCode, HeirRelation
from .services.intake import ONLINE_BENEFITS, DocumentInput, HeirInput

SCAN = _("Scan (PDF, JPEG or PNG)")
MAX_HEIRS = 8


class _ChoicesForm(StyledForm):
    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


class RequestForm(_ChoicesForm):
    benefit = forms.ChoiceField(label=_("Allowance asked for"), choices=BenefitCode.choices)
    event_date = forms.DateField(label=_("Date of the event (retirement or death)"), widget=DateInput())
    deceased = forms.TypedChoiceField(label=_("Deceased beneficiary"), coerce=int, required=False, empty_value=None)
    main_document = forms.FileField(label=_("Retirement decision or death certificate"), required=False)

    def __init__(self, *args, beneficiaries=(), online: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._choices("deceased").choices = [("", "—")] + [
            (b.pk, f"{b.full_name} — {b.get_relation_display()}") for b in beneficiaries if b.relation != "member"]
        if online:
            self._choices("benefit").choices = [(c, BenefitCode(c).label) for c in ONLINE_BENEFITS]

    def documents(self) -> list[DocumentInput]:
        upload = self.cleaned_data.get("main_document")
        if not upload:
            return []
        kind = "retirement_decision" if self.cleaned_data["benefit"] == BenefitCode.RETIREMENT else "death_certificate"
        return [DocumentInput(kind=kind, upload=upload)]


class DeskRequestForm(RequestForm):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    heirs_certificate = forms.FileField(label=_("Heirs certificate (acte d'hérédité)"), required=False)
    contact_name = forms.CharField(label=_("Requester (heir filing)"), max_length=210, required=False)
    contact_phone = forms.CharField(label=_("Requester's phone"), max_length=20, required=False)
    language = forms.ChoiceField(label=_("Language of the messages"),
                                 choices=[("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))])

    def documents(self) -> list[DocumentInput]:
        documents = super().documents()
        if self.cleaned_data.get("heirs_certificate"):
            documents.append(DocumentInput(kind="heirs_certificate", upload=self.cleaned_data["heirs_certificate"]))
        return documents


class HeirForm(StyledForm):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    cin = forms.CharField(label=_("CIN"), max_length=12, required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=[("", "—"), *HeirRelation.choices], required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=40, required=False)
    share = forms.CharField(label=_("Share (e.g. 7/24)"), max_length=12, required=False)
    cin_scan = forms.FileField(label=_("CIN scan"), required=False)
    bank_scan = forms.FileField(label=_("Bank details scan"), required=False)


HeirFormSet = forms.formset_factory(HeirForm, extra=MAX_HEIRS, max_num=MAX_HEIRS, validate_max=True)


def heirs_from(formset) -> tuple[list[HeirInput], list[DocumentInput]]:
    """The filled rows, in order, and their scans (attached to the heir's position)."""
    heirs, documents = [], []
    for form in formset.forms:
        data = form.cleaned_data
        if not any(data.get(f) for f in ("first_name", "last_name", "cin", "iban", "share")):
            continue
        heirs.append(HeirInput(first_name=data["first_name"], last_name=data["last_name"], cin=data["cin"],
                               relation=data["relation"], iban=data["iban"], share=data["share"]))
        if data.get("cin_scan"):
            documents.append(DocumentInput(kind="heir_cin", upload=data["cin_scan"], heir=len(heirs)))
        if data.get("bank_scan"):
            documents.append(DocumentInput(kind="heir_bank", upload=data["bank_scan"], heir=len(heirs)))
    return heirs, documents


class DocumentForm(_ChoicesForm):
    kind = forms.ChoiceField(label=_("Document"))
    heir = forms.TypedChoiceField(label=_("Heir"), coerce=int, required=False, empty_value=None)
    scan = forms.FileField(label=SCAN)

    def __init__(self, *args, heirs=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .models import DocumentKind

        self._choices("kind").choices = DocumentKind.choices
        self._choices("heir").choices = [("", "—")] + [(h.pk, h.full_name) for h in heirs]


class DecisionForm(StyledForm):
    note = forms.CharField(label=_("Reason (required to reject)"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
