"""Forms of the membership pages: they parse input; the rules are in memberships.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.forms import DateInput, StyledForm
from members.models import Sex
from units.models import ServiceUnit

from .models import ApplicationKind
from .services import ApplicantInput, DocumentInput, PersonInput


class ApplicationForm(StyledForm):
    cin = forms.CharField(label=_("National ID (CIN)"), max_length=12)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name_ar = forms.CharField(label=_("First name (Arabic)"), max_length=100, required=False)
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    employer = forms.CharField(label=_("Employer administration"), max_length=200)
    grade = forms.CharField(label=_("Grade"), max_length=100, required=False)
    payroll_number = forms.CharField(label=_("Payroll number"), max_length=30, required=False)
    took_office_on = forms.DateField(label=_("Date of taking office"), widget=DateInput())
    iban = forms.CharField(label=_("Bank account (IBAN)"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    home_unit = forms.ModelChoiceField(label=_("Home service unit"), queryset=ServiceUnit.objects.order_by("code"))
    cin_scan = forms.FileField(label=_("CIN copy (scan)"), required=False)
    work_scan = forms.FileField(label=_("Work certificate or latest pay slip (scan)"), required=False)
    bank_scan = forms.FileField(label=_("Bank details (scan)"), required=False)

    def applicant(self) -> ApplicantInput:
        data = self.cleaned_data
        return ApplicantInput(**{name: data[name] for name in (
            "cin", "first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex", "employer",
            "grade", "payroll_number", "took_office_on", "iban", "phone", "email")})

    def documents(self) -> list[DocumentInput]:
        kinds = {"cin_scan": "cin", "work_scan": "work_certificate", "bank_scan": "bank_details"}
        return [DocumentInput(kind=kind, upload=self.cleaned_data[name]) for name, kind in kinds.items()
                if self.cleaned_data.get(name)]


class DeskApplicationForm(ApplicationForm):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())


class PersonForm(StyledForm):
    relation = forms.ChoiceField(label=_("Relation"), choices=[("", "—"), ("spouse", _("Spouse")),
                                                               ("child", _("Child"))], required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput(), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    marriage_date = forms.DateField(label=_("Marriage date"), widget=DateInput(), required=False)
    student_until = forms.DateField(label=_("Student until"), widget=DateInput(), required=False)
    disabled_from = forms.DateField(label=_("Disabled since"), widget=DateInput(), required=False,
                                    help_text=_("A disabled child: the first day of the disability."))
    certificate = forms.FileField(label=_("Marriage or birth certificate"), required=False)
    extra = forms.FileField(label=_("School certificate or disability card"), required=False)

    def filled(self) -> bool:
        return bool(self.cleaned_data.get("relation") or self.cleaned_data.get("first_name"))

    def person(self) -> PersonInput:
        data = self.cleaned_data
        if not (data.get("birth_date") and data.get("sex")):
            raise forms.ValidationError(_("Give each person's birth date and sex."))
        return PersonInput(relation=data["relation"], first_name=data["first_name"], last_name=data["last_name"],
                           birth_date=data["birth_date"], sex=data["sex"], marriage_date=data.get("marriage_date"),
                           student_until=data.get("student_until"), disabled_from=data.get("disabled_from"))

    def documents(self, position: int) -> list[DocumentInput]:
        data, documents = self.cleaned_data, []
        if data.get("certificate"):
            kind = "marriage_certificate" if data["relation"] == "spouse" else "birth_certificate"
            documents.append(DocumentInput(kind=kind, upload=data["certificate"], person=position))
        if data.get("extra"):
            kind = "disability_card" if data.get("disabled_from") else "school_certificate"
            documents.append(DocumentInput(kind=kind, upload=data["extra"], person=position))
        return documents


PeopleFormSet = forms.formset_factory(PersonForm, extra=4, max_num=8, validate_max=True)


class MemberRequestForm(StyledForm):
    kind = forms.ChoiceField(label=_("Request"), choices=[c for c in ApplicationKind.choices if c[0] != "new_member"])
    target = forms.TypedChoiceField(label=_("Child concerned (study period, disability)"), coerce=int,
                                    required=False, empty_value=None)
    period_start = forms.DateField(label=_("Study period start"), widget=DateInput(), required=False)
    period_end = forms.DateField(label=_("Study period end"), widget=DateInput(), required=False)
    disabled_from = forms.DateField(label=_("Disability start"), widget=DateInput(), required=False)
    scan = forms.FileField(label=_("School certificate or disability card"), required=False)

    def __init__(self, *args, children=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "—")] + [(c.pk, c.full_name) for c in children]  # type: ignore[attr-defined]


class DeskMemberRequestForm(MemberRequestForm):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())


class DecisionForm(StyledForm):
    reason = forms.CharField(label=_("Reason (required to reject)"), max_length=300, required=False)


class DocumentForm(StyledForm):
    kind = forms.ChoiceField(label=_("Document"))
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    scan = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"))

    def __init__(self, *args, people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .models import DocumentKind

        self.fields["kind"].choices = DocumentKind.choices  # type: ignore[attr-defined]
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((p.pk, f"{p.first_name} {p.last_name}") for p in people)]
