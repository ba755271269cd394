"""What an application or a member's request is made of (plain inputs parsed by the forms and the API), and the
checks that refuse one at once, nothing stored: an impossible date, an invalid CIN or IBAN, an applicant under 18,
a CIN already a member's."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from members.identifiers import normalize_cin, validate_cin, validate_moroccan_iban
from members.models import Member, Relation


@dataclass(frozen=True)
class PersonInput:
    relation: str
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    cin: str = ""
    marriage_date: date | None = None
    student_until: date | None = None
    disabled_from: date | None = None  # a disabled child: the first day of the disability


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    upload: UploadedFile
    person: int | None = None  # position of the person it is about


@dataclass
class ApplicantInput:
    cin: str
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    employer: str
    took_office_on: date
    iban: str
    phone: str = ""
    email: str = ""
    grade: str = ""
    payroll_number: str = ""
    first_name_ar: str = ""
    last_name_ar: str = ""
    extra: dict = field(default_factory=dict)


def field_error(name: str, message: str, code: str) -> ValidationError:
    return ValidationError({name: [ValidationError(message, code=code)]})


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def applicant_check(applicant: ApplicantInput, today: date) -> None:
    try:
        validate_cin(normalize_cin(applicant.cin))
    except ValidationError as error:
        raise ValidationError({"cin": error.error_list}) from None
    try:
        validate_moroccan_iban(applicant.iban)
    except ValidationError as error:
        raise ValidationError({"iban": error.error_list}) from None
    if applicant.birth_date > today or age_on(applicant.birth_date, today) < 18:
        raise field_error("birth_date", _("The applicant must be at least 18 years old."), "under_18")
    if applicant.took_office_on > today:
        raise field_error("took_office_on", _("The date of taking office cannot be in the future."), "future")
    if not applicant.first_name.strip() or not applicant.last_name.strip() or not applicant.employer.strip():
        raise field_error("last_name", _("Write the names and the employer administration."), "required")
    if Member.objects.filter(cin=normalize_cin(applicant.cin)).exists():
        # Never say whose it is: the CIN is already a member's.
        raise field_error("cin", _("This national ID is already registered with the mutual: log in to your space, "
                                   "or go to a service unit."), "already_member")


def people_check(people: list[PersonInput], today: date) -> None:
    for position, person in enumerate(people, 1):
        name = f"people[{position}]"
        if person.relation not in (Relation.SPOUSE, Relation.CHILD):
            raise field_error(name, _("A person to cover is a spouse or a child."), "relation")
        if person.birth_date > today:
            raise field_error(name, _("The birth date cannot be in the future."), "future_birth_date")
        if person.marriage_date and person.marriage_date > today:
            raise field_error(name, _("The marriage date cannot be in the future."), "future")
        if person.cin:
            try:
                validate_cin(normalize_cin(person.cin))
            except ValidationError as error:
                raise ValidationError({name: error.error_list}) from None
        if not person.first_name.strip() or not person.last_name.strip():
            raise field_error(name, _("Write the first and last names of each person to cover."), "required")
        if person.disabled_from:
            disability_check(name, person.disabled_from, person.birth_date, today, child=person.relation)


def disability_check(name: str, disabled_from: date, birth_date: date, today: date, *, child: str) -> None:
    if child != Relation.CHILD:
        raise field_error(name, _("Only a child is declared disabled."), "not_a_child")
    if not birth_date <= disabled_from <= today:
        raise field_error(name, _("A disability starts between the child's birth and today."), "disabled_from")
