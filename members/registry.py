"""The staff's registry writes: members, beneficiaries, student periods, affiliation periods (re-exported by
members.services, where callers find them)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutuelle.history import history_stamp

from .change_requests import clean_change_value, iban_change_request
from .identifiers import normalize_cin
from .models import (
    AffiliationPeriod,
    AffiliationStatus,
    Beneficiary,
    ChangeRequest,
    ChangeStatus,
    Member,
    Mutual,
    Relation,
    StudentPeriod,
    User,
)

# --- the registry (staff writes: members, beneficiaries, student periods, affiliations) -----------------------
#
# Who writes: administrators, unit managers and front-desk agents (they register members at the desk); not
# liquidators, who only read the registry. The registry is network-wide: an agent may update a member of any
# unit, since a member may walk into any unit. Every write names the staff user in the history row.

REGISTRY_ROLES = ("admin", "unit_manager", "front_desk")
MEMBER_FIELDS = ("mutual", "cin", "first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex",
                 "employer", "grade", "phone", "email", "address", "iban", "home_unit")
SELF_FIELDS = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex", "cin")
BENEFICIARY_FIELDS = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex", "cin",
                      "marriage_start", "marriage_end", "disabled_from", "covered_from")
AFFILIATION_FIELDS = ("start", "end", "status", "complementary")
CHILD_MIN_PARENT_AGE = 12  # a child born before the member turned 12 is a typing error


def user_may_edit_registry(*, user: User) -> bool:
    from units.models import StaffAssignment

    return user.is_authenticated and (
        user.is_superuser or StaffAssignment.objects.filter(user=user, role__in=REGISTRY_ROLES).exists())


def _check_editor(by: User) -> None:
    if not user_may_edit_registry(user=by):
        raise PermissionDenied(_("Only administrators, unit managers and front-desk agents edit the registry."))


def _refuse(field: str | None, message, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def _save(instance, *, by: User, reason: str) -> None:
    """Validates (formats, uniqueness, constraints) then saves, naming the staff user in the history row."""
    instance.full_clean()
    history_stamp(instance, by=by, reason=reason)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # full_clean checked uniqueness, but another desk may have saved the same CIN or number since then.
        raise ValidationError(_("Another record with the same national ID or number was saved at the same "
                                "moment: search for it before registering again."), code="unique") from None


def _clean_contact(values: dict) -> dict:
    """Phone, email and bank account normalised as in a member's change request; blank stays blank."""
    cleaned = dict(values)
    for field in ("phone", "email", "iban"):
        if cleaned.get(field):
            try:
                cleaned[field] = clean_change_value(field=field, value=cleaned[field])
            except ValidationError as error:
                raise ValidationError({field: error.error_list}) from None
    if "cin" in cleaned:
        cleaned["cin"] = normalize_cin(cleaned["cin"])
    for field in ("first_name", "last_name", "first_name_ar", "last_name_ar", "employer", "grade", "address"):
        if isinstance(cleaned.get(field), str):
            cleaned[field] = cleaned[field].strip()
    return cleaned


def _check_birth_date(birth_date: date | None) -> None:
    if birth_date and birth_date > timezone.localdate():
        raise _refuse("birth_date", _("The birth date cannot be in the future."), "future_birth_date")


def _next_membership_number() -> str:
    from .identifiers import membership_number_from_sequence

    # Two desks registering at once would read the same highest number: a transaction-level advisory lock
    # serialises the read-then-insert (released at commit).
    if connection.vendor == "postgresql":  # SQLite (make run) already serialises writers
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MEMBERSHIP_NUMBER_LOCK])
    highest = Member.objects.order_by("-membership_number").values_list("membership_number", flat=True).first()
    sequence = int(highest[:9]) + 1 if highest else 1
    return membership_number_from_sequence(sequence)


MEMBERSHIP_NUMBER_LOCK = 7_301_001


@transaction.atomic
def member_create(*, by: User, mutual: Mutual | None = None, membership_number: str | None = None, cin: str,
                  first_name: str, last_name: str, first_name_ar: str = "", last_name_ar: str = "",
                  birth_date: date, sex: str, employer: str = "", grade: str = "", phone: str = "", email: str = "",
                  address: str = "", iban: str = "", home_unit=None) -> Member:
    """Registers a member (our mutual unless another is named) and his own beneficiary row. The membership
    number is the next of the sequence, with its check digit, unless one is given."""
    _check_editor(by)
    values = _clean_contact({
        "cin": cin, "first_name": first_name, "last_name": last_name, "first_name_ar": first_name_ar,
        "last_name_ar": last_name_ar, "birth_date": birth_date, "sex": sex, "employer": employer, "grade": grade,
        "phone": phone, "email": email, "address": address, "iban": iban, "home_unit": home_unit})
    _check_birth_date(birth_date)
    mutual = mutual or Mutual.objects.filter(is_ours=True).first()
    if mutual is None:
        raise _refuse("mutual", _("Name the member's mutual."), "required")
    number = (membership_number or "").strip() or _next_membership_number()
    member = Member(mutual=mutual, membership_number=number, **values)
    _save(member, by=by, reason="registry: member registered")
    himself = Beneficiary(member=member, relation=Relation.MEMBER, **{f: values[f] for f in SELF_FIELDS})
    _save(himself, by=by, reason="registry: member registered")
    return member


def _contact_change_record(*, member: Member, field: str, old_value: str, by: User) -> None:
    """A staff change of the e-mail or phone is kept as an applied ChangeRequest and told at both contacts."""
    from .notices import member_notice_queue

    change = ChangeRequest(member=member, field=field, old_value=old_value, new_value=getattr(member, field),
                           requested_by=by, status=ChangeStatus.APPLIED, decided_by=by, decided_at=timezone.now(),
                           decision_note="set by staff")
    history_stamp(change, by=by)
    change.save()
    member_notice_queue(member=member, event="contact_changed", change_request=change)


@transaction.atomic
def member_update(*, by: User, member: Member, **fields) -> Member:
    """Changes the member's data. A bank account is never applied here: it becomes a pending change request
    (replacing any earlier one) that a second staff account validates (members.change_requests)."""
    _check_editor(by)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"member_update does not change {sorted(unknown)}")
    values = _clean_contact(fields)
    _check_birth_date(values.get("birth_date"))
    member = Member.objects.select_for_update().get(pk=member.pk)
    changed = [field for field, value in values.items() if getattr(member, field) != value]
    old = {field: getattr(member, field) for field in ("email", "phone")}
    for field in changed:
        if field != "iban":
            setattr(member, field, values[field])
    if "iban" in changed:  # four eyes: the new account waits for a second staff account (change_request_approve)
        changed.remove("iban")
        iban_change_request(member=member, iban=values["iban"], by=by)
    if not changed:
        return member
    _save(member, by=by, reason=f"registry: {', '.join(sorted(changed))} changed by staff")
    for field in ("email", "phone"):
        if field in changed:
            _contact_change_record(member=member, field=field, old_value=old[field], by=by)
    himself = member.beneficiaries.filter(relation=Relation.MEMBER).first()
    self_changed = [field for field in SELF_FIELDS if field in changed]
    if himself is not None and self_changed:
        for field in self_changed:
            setattr(himself, field, getattr(member, field))
        _save(himself, by=by, reason="registry: follows the member's data")
    return member


def _check_beneficiary(beneficiary: Beneficiary, member: Member) -> None:
    _check_birth_date(beneficiary.birth_date)
    if beneficiary.relation == Relation.CHILD:
        earliest = member.birth_date.replace(year=member.birth_date.year + CHILD_MIN_PARENT_AGE, day=1)
        if beneficiary.birth_date < earliest:
            raise _refuse("birth_date", _("A child is born at least 12 years after the member: check the dates."),
                          "child_birth_date")
        if beneficiary.marriage_start or beneficiary.marriage_end:
            field = "marriage_start" if beneficiary.marriage_start else "marriage_end"
            raise _refuse(field, _("Only a spouse has marriage dates."), "not_a_spouse")
        disabled_from = beneficiary.disabled_from
        if disabled_from and not beneficiary.birth_date <= disabled_from <= timezone.localdate():
            raise _refuse("disabled_from", _("A disability starts between the child's birth and today."),
                          "disabled_from")
    if beneficiary.relation == Relation.SPOUSE:
        if beneficiary.disabled_from:
            raise _refuse("disabled_from", _("The disability extends a child's cover; a spouse is covered while "
                                             "married."), "not_a_child")
        start, end = beneficiary.marriage_start, beneficiary.marriage_end
        if start and end and end < start:
            raise _refuse("marriage_end", _("The marriage ends on or after the day it started."), "end_before_start")


@transaction.atomic
def beneficiary_add(*, by: User, member: Member, relation: str, first_name: str, last_name: str, birth_date: date,
                    sex: str, first_name_ar: str = "", last_name_ar: str = "", cin: str = "",
                    marriage_start: date | None = None, marriage_end: date | None = None,
                    disabled_from: date | None = None, covered_from: date | None = None) -> Beneficiary:
    """Adds a spouse (with marriage start and, after a divorce or death, end) or a child (with the first day of
    his disability, when disabled). The member himself is added by member_create."""
    _check_editor(by)
    if relation not in (Relation.SPOUSE, Relation.CHILD):
        raise _refuse("relation", _("Add a spouse or a child; the member himself is already a beneficiary."),
                      "invalid_choice")
    member = Member.objects.select_for_update().get(pk=member.pk)
    values = _clean_contact({"first_name": first_name, "last_name": last_name, "first_name_ar": first_name_ar,
                             "last_name_ar": last_name_ar, "cin": cin})
    beneficiary = Beneficiary(member=member, relation=relation, birth_date=birth_date, sex=sex,
                              marriage_start=marriage_start, marriage_end=marriage_end, disabled_from=disabled_from,
                              covered_from=covered_from, **values)
    _check_beneficiary(beneficiary, member)
    _save(beneficiary, by=by, reason=f"registry: {relation} added")
    return beneficiary


@transaction.atomic
def beneficiary_update(*, by: User, beneficiary: Beneficiary, **fields) -> Beneficiary:
    """Changes a spouse's or a child's data (a marriage end, a disability from its first day...). The member's own
    row follows member_update."""
    _check_editor(by)
    unknown = set(fields) - set(BENEFICIARY_FIELDS)
    if unknown:
        raise TypeError(f"beneficiary_update does not change {sorted(unknown)}")
    beneficiary = Beneficiary.objects.select_for_update().select_related("member").get(pk=beneficiary.pk)
    if beneficiary.relation == Relation.MEMBER:
        raise _refuse(None, _("The member's own row follows the member's data: change the member instead."),
                      "self_beneficiary")
    values = _clean_contact(fields)
    changed = [field for field, value in values.items() if getattr(beneficiary, field) != value]
    if not changed:
        return beneficiary
    for field in changed:
        setattr(beneficiary, field, values[field])
    _check_beneficiary(beneficiary, beneficiary.member)
    _save(beneficiary, by=by, reason=f"registry: {', '.join(sorted(changed))} changed by staff")
    return beneficiary


def _overlapping(periods, start: date, end: date | None):
    """The first period of `periods` sharing a day with [start, end] (end None = open)."""
    for period in periods:
        if (period.end is None or start <= period.end) and (end is None or period.start <= end):
            return period
    return None


@transaction.atomic
def student_period_add(*, by: User, beneficiary: Beneficiary, start: date, end: date) -> StudentPeriod:
    """A school year (or several) of a child: covered up to the student age limit within it (rule 2)."""
    _check_editor(by)
    # The child's row is locked so two desks adding periods at once cannot both pass the overlap check.
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if beneficiary.relation != Relation.CHILD:
        raise _refuse(None, _("Only a child has student periods."), "not_a_child")
    if end < start:
        raise _refuse("end", _("The period ends on or after the day it starts."), "end_before_start")
    if start < beneficiary.birth_date:
        raise _refuse("start", _("A student period starts after the child's birth."), "before_birth")
    clash = _overlapping(beneficiary.student_periods.all(), start, end)
    if clash is not None:
        raise _refuse("start", _("This period overlaps the student period %(period)s.") % {"period": clash},
                      "overlap")
    period = StudentPeriod(beneficiary=beneficiary, start=start, end=end)
    _save(period, by=by, reason="registry: student period added")
    return period


@transaction.atomic
def student_period_remove(*, by: User, student_period: StudentPeriod) -> None:
    _check_editor(by)
    history_stamp(student_period, by=by, reason="registry: student period removed")
    student_period.delete()


def _check_affiliation(period: AffiliationPeriod) -> None:
    if period.end is not None and period.end < period.start:
        raise _refuse("end", _("The period ends on or after the day it starts."), "end_before_start")
    others = AffiliationPeriod.objects.filter(member_id=period.member_id).exclude(pk=period.pk)
    clash = _overlapping(others, period.start, period.end)
    if clash is not None:
        raise _refuse("start", _("This period overlaps the affiliation period %(period)s: a member has one "
                                 "period at a time.") % {"period": clash}, "overlap")


@transaction.atomic
def affiliation_add(*, by: User, member: Member, start: date, end: date | None = None,
                    status: str = AffiliationStatus.ACTIVE, complementary: bool = True) -> AffiliationPeriod:
    """A span of cover (end None: open). Periods of one member never overlap."""
    _check_editor(by)
    # Locking the member serialises the overlap check with any other write of his periods.
    member = Member.objects.select_for_update().get(pk=member.pk)
    period = AffiliationPeriod(member=member, start=start, end=end, status=status, complementary=complementary)
    _check_affiliation(period)
    _save(period, by=by, reason="registry: affiliation period added")
    return period


@transaction.atomic
def affiliation_update(*, by: User, affiliation: AffiliationPeriod, **fields) -> AffiliationPeriod:
    """Closes a period (end, status), suspends it, or switches the complementary cover."""
    _check_editor(by)
    unknown = set(fields) - set(AFFILIATION_FIELDS)
    if unknown:
        raise TypeError(f"affiliation_update does not change {sorted(unknown)}")
    Member.objects.select_for_update().filter(pk=affiliation.member_id).first()
    period = AffiliationPeriod.objects.get(pk=affiliation.pk)
    changed = [field for field, value in fields.items() if getattr(period, field) != value]
    if not changed:
        return period
    for field in changed:
        setattr(period, field, fields[field])
    _check_affiliation(period)
    _save(period, by=by, reason=f"registry: affiliation {', '.join(sorted(changed))} changed by staff")
    return period
