"""Membership applications and members' requests: submit (online or at a desk; refused at once when a fact is
impossible, nothing stored), add scans (`incomplete` while one is missing), and the unit's decision. Approval
writes the registry in one transaction through members.services (the membership-number generator, the history
naming the staff user) and dates the cover by memberships.dating."""

import logging
from datetime import date
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.uploads import scan_check
from members import services as registry
from members.identifiers import normalize_cin
from members.models import Beneficiary, Member, Relation
from units.models import ServiceUnit, StaffAssignment, StaffRole

from .dating import cover_start
from .inputs import (  # noqa: F401  (PersonInput and the others are imported from here by the forms and the API)
    ApplicantInput,
    DocumentInput,
    PersonInput,
    age_on,
    applicant_check,
    disability_check,
    field_error,
    people_check,
)
from .models import (
    ApplicationDocument,
    ApplicationKind,
    ApplicationPerson,
    ApplicationStatus,
    ApplicationStatusChange,
    DocumentFor,
    DocumentKind,
    MembershipApplication,
)
from .reference import required_documents_on

logger = logging.getLogger("mutuelle.memberships")
K, S = ApplicationKind, ApplicationStatus
T = TypeVar("T")
MAX_DOCUMENTS = 30



def required_documents(app: MembershipApplication) -> list[tuple[str, ApplicationPerson | None]]:
    """What the application needs: the reference data (RequiredDocument) in force on the day it was received."""
    rules = required_documents_on(app.received_on)
    needed: list[tuple[str, ApplicationPerson | None]] = []
    whole = {K.NEW_MEMBER: DocumentFor.APPLICANT, K.STUDY_PERIOD: DocumentFor.STUDY_PERIOD,
             K.DISABILITY: DocumentFor.DISABILITY}.get(K(app.kind))
    if whole:
        needed += [(kind, None) for kind in rules.get(whole, [])]
    for person in app.people.all():
        groups = [DocumentFor.SPOUSE] if person.relation == Relation.SPOUSE else [DocumentFor.CHILD]
        if person.relation == Relation.CHILD and age_on(person.birth_date, app.received_on) >= 21:
            groups += [DocumentFor.STUDENT_OVER_21] if person.student_until else []
            groups += [DocumentFor.DISABLED_OVER_21] if person.disabled else []
        needed += [(kind, person) for group in groups for kind in rules.get(group, [])]
    return needed


def missing_documents(app: MembershipApplication) -> list[tuple[str, ApplicationPerson | None]]:
    present = {(d.kind, d.person_id) for d in app.documents.all()}
    return [(kind, person) for kind, person in required_documents(app)
            if (kind, person.pk if person else None) not in present]


def _set_status(app: MembershipApplication, to: str, by, reason: str = "", *, tell: bool = True) -> None:
    before = app.status
    if before == to:
        return
    moved = MembershipApplication.objects.filter(pk=app.pk, status=before).update(status=to)
    if moved != 1:
        raise ValidationError(_("This application was decided meanwhile."), code="conflict")
    app.status = to
    ApplicationStatusChange.objects.create(application=app, from_status=before, to_status=to,
                                           changed_by=by if getattr(by, "is_authenticated", False) else None,
                                           reason=reason[:300])
    if tell:
        _announce(app, to)


def _announce(app: MembershipApplication, status: str) -> None:
    """A member with a web account: a notice of this transaction (its e-mail/SMS as he chose). Anyone else: an
    e-mail/SMS once the transaction commits."""
    from .notifications import notice_for

    if not notice_for(app=app, status=status):
        transaction.on_commit(lambda: _tell(app.pk, status))


def _tell(app_id: int, status: str) -> None:
    from .notifications import application_notify

    try:
        application_notify(application_id=app_id, status=status)
    except Exception:  # a mail or SMS outage never fails the application
        logger.warning("application %s: notification failed", app_id, exc_info=True)


def _by_completeness(app: MembershipApplication, by, *, tell: bool = True) -> None:
    missing = missing_documents(app)
    if missing and app.status == S.SUBMITTED:
        _set_status(app, S.INCOMPLETE, by, "missing: " + ", ".join(kind for kind, _ in missing), tell=tell)
    elif not missing and app.status == S.INCOMPLETE:
        _set_status(app, S.SUBMITTED, by, "documents complete", tell=tell)


def _store_documents(app: MembershipApplication, documents: list[DocumentInput], people: dict[int, ApplicationPerson]):
    checked = []
    for document in documents:
        if document.kind not in DocumentKind.values:
            raise field_error("documents", _("Choose what each document is."), "kind")
        checked.append((document, scan_check(document.upload)))
    for document, scan in checked:
        stored = ApplicationDocument(application=app, person=people.get(document.person or 0), kind=document.kind,
                                     original_name=scan.display_name, content_type=scan.content_type,
                                     size=scan.size, sha256=scan.sha256)
        document.upload.seek(0)
        stored.file.save(scan.storage_name(), scan.content(document.upload), save=False)
        stored.save()


def _create(*, values: dict, people: list[PersonInput], documents: list[DocumentInput], by) -> MembershipApplication:
    if len(documents) > MAX_DOCUMENTS:
        raise field_error("documents", _("An application holds at most %(count)d documents.")
                          % {"count": MAX_DOCUMENTS}, "too_many")
    for document in documents:  # checked before anything is stored
        scan_check(document.upload)
    with transaction.atomic():
        app = MembershipApplication.objects.create(**values)
        ApplicationStatusChange.objects.create(application=app, to_status=S.SUBMITTED, reason=values["channel"],
                                               changed_by=by if getattr(by, "is_authenticated", False) else None)
        created = {}
        for position, person in enumerate(people, 1):
            created[position] = ApplicationPerson.objects.create(
                application=app, position=position, relation=person.relation, first_name=person.first_name.strip(),
                last_name=person.last_name.strip(), birth_date=person.birth_date, sex=person.sex,
                cin=normalize_cin(person.cin) if person.cin else "", marriage_date=person.marriage_date,
                student_until=person.student_until, disabled_from=person.disabled_from)
        _store_documents(app, documents, created)
        _by_completeness(app, by, tell=False)
        _announce(app, app.status)  # one message: received, or received with documents missing
    return app


def application_submit(*, channel: str, by, home_unit: ServiceUnit, applicant: ApplicantInput,
                       people: list[PersonInput] | None = None, documents: list[DocumentInput] | None = None,
                       received_on: date | None = None, language: str = "ar") -> MembershipApplication:
    """A civil servant applies (online without an account, or at a desk)."""
    today = timezone.localdate()
    received_on = today if channel == "online" else (received_on or today)
    if received_on > today:
        raise field_error("received_on", _("The date received cannot be in the future."), "future")
    applicant_check(applicant, today)
    people = list(people or [])
    people_check(people, today)
    values = {
        "kind": K.NEW_MEMBER, "channel": channel, "home_unit": home_unit, "received_on": received_on,
        "language": language, "cin": normalize_cin(applicant.cin), "first_name": applicant.first_name.strip(),
        "last_name": applicant.last_name.strip(), "first_name_ar": applicant.first_name_ar.strip(),
        "last_name_ar": applicant.last_name_ar.strip(), "birth_date": applicant.birth_date, "sex": applicant.sex,
        "employer": applicant.employer.strip(), "grade": applicant.grade.strip(),
        "payroll_number": applicant.payroll_number.strip(), "took_office_on": applicant.took_office_on,
        "iban": applicant.iban, "phone": applicant.phone.strip(), "email": applicant.email.strip(),
        "submitted_by": by if getattr(by, "is_authenticated", False) else None}
    return _create(values=values, people=people, documents=list(documents or []), by=by)


def member_request_submit(*, channel: str, by, member: Member, kind: str, person: PersonInput | None = None,
                          target: Beneficiary | None = None, period_start: date | None = None,
                          period_end: date | None = None, disabled_from: date | None = None,
                          documents: list[DocumentInput] | None = None, received_on: date | None = None,
                          language: str = "ar") -> MembershipApplication:
    """An existing member asks to add a spouse or a child, or declares a child's study period or disability
    (from `disabled_from`, its first day)."""
    today = timezone.localdate()
    if channel == "online" and (member.user_id is None or member.user_id != getattr(by, "pk", None)):
        raise PermissionDenied(_("A member files only his own requests online."))
    received_on = today if channel == "online" else (received_on or today)
    people: list[PersonInput] = []
    if kind in (K.ADD_SPOUSE, K.ADD_CHILD):
        if person is None:
            raise field_error("people", _("Describe the person to add."), "required")
        wanted = Relation.SPOUSE if kind == K.ADD_SPOUSE else Relation.CHILD
        people = [PersonInput(**{**person.__dict__, "relation": wanted})]
        people_check(people, today)
    elif kind in (K.STUDY_PERIOD, K.DISABILITY):
        if target is None or target.member_id != member.pk or target.relation != Relation.CHILD:
            raise field_error("target", _("Choose one of the member's children."), "target")
        if kind == K.STUDY_PERIOD and not (period_start and period_end and period_start <= period_end):
            raise field_error("period_start", _("Give the study period's first and last days."), "period")
        if kind == K.DISABILITY:
            if disabled_from is None:
                raise field_error("disabled_from", _("Give the first day of the disability."), "required")
            disability_check("disabled_from", disabled_from, target.birth_date, today, child=target.relation)
    else:
        raise field_error("kind", _("Choose the request."), "kind")
    unit = member.home_unit or ServiceUnit.objects.order_by("code").first()
    values = {"kind": kind, "member": member, "channel": channel, "home_unit": unit, "received_on": received_on,
              "language": language, "cin": member.cin, "first_name": member.first_name,
              "last_name": member.last_name, "birth_date": member.birth_date, "target": target,
              "period_start": period_start, "period_end": period_end,
              "disabled_from": disabled_from if kind == K.DISABILITY else None,
              "submitted_by": by if getattr(by, "is_authenticated", False) else None}
    return _create(values=values, people=people, documents=list(documents or []), by=by)


def document_add(*, app: MembershipApplication, by, kind: str, upload: UploadedFile,
                 person: ApplicationPerson | None = None) -> None:
    with transaction.atomic():
        app = MembershipApplication.objects.select_for_update().get(pk=app.pk)
        if app.status not in (S.SUBMITTED, S.INCOMPLETE):
            raise ValidationError(_("Documents can no longer be added to this application."), code="closed")
        _store_documents(app, [DocumentInput(kind=kind, upload=upload, person=person.position if person else None)],
                         {person.position: person} if person else {})
        _by_completeness(app, by)


# --- the unit's decision ------------------------------------------------------------------------------------------


def user_may_decide(*, user, app: MembershipApplication) -> bool:
    """The central office (administrators) for any unit; front-desk agents and managers of the home unit."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = StaffAssignment.objects.filter(user=user)
    return roles.filter(role=StaffRole.ADMIN).exists() or roles.filter(
        unit_id=app.home_unit_id, role__in=(StaffRole.FRONT_DESK, StaffRole.UNIT_MANAGER)).exists()


def _add_person(by, member: Member, person: ApplicationPerson, start: date) -> None:
    """The spouse or child as a beneficiary, not covered before `start` (the dating rule's answer)."""
    beneficiary = registry.beneficiary_add(
        by=by, member=member, relation=person.relation, first_name=person.first_name, last_name=person.last_name,
        birth_date=person.birth_date, sex=person.sex, cin=person.cin,
        marriage_start=person.marriage_date if person.relation == Relation.SPOUSE else None,
        disabled_from=person.disabled_from, covered_from=max(start, person.birth_date))
    if person.student_until and person.student_until >= start:
        registry.student_period_add(by=by, beneficiary=beneficiary, start=max(start, person.birth_date),
                                    end=person.student_until)
    person.beneficiary = beneficiary
    person.save(update_fields=["beneficiary"])


def _required(value: T | None) -> T:
    if value is None:  # the submit services always fill these for the kind concerned
        raise ValidationError(_("This application lacks a fact its kind needs."), code="incomplete_facts")
    return value


@transaction.atomic
def application_approve(*, app: MembershipApplication, by) -> MembershipApplication:
    """Writes the registry in one transaction; all of it, or nothing when a check of the registry refuses."""
    if not user_may_decide(user=by, app=app):
        raise PermissionDenied(_("Your account is not on this unit's staff."))
    app = MembershipApplication.objects.select_for_update().get(pk=app.pk)
    if app.status != S.SUBMITTED:
        raise ValidationError(_("Only a complete application waiting for a decision can be approved."),
                              code="not_submitted")
    people = list(app.people.all())
    if app.kind == K.NEW_MEMBER:
        start = cover_start(event=_required(app.took_office_on), received_on=app.received_on)
        member = registry.member_create(
            by=by, cin=app.cin, first_name=app.first_name, last_name=app.last_name, first_name_ar=app.first_name_ar,
            last_name_ar=app.last_name_ar, birth_date=_required(app.birth_date), sex=app.sex, employer=app.employer,
            grade=app.grade, phone=app.phone, email=app.email, iban=app.iban, home_unit=app.home_unit)
        registry.affiliation_add(by=by, member=member, start=start, complementary=True)
        for person in people:
            _add_person(by, member, person, start)
        app.member = member
    elif app.kind in (K.ADD_SPOUSE, K.ADD_CHILD):
        # Cover from the marriage or the birth when the request is received within 90 days of it, else from
        # the day it is received (spec, Deciding): a child added on day 91 is not covered before that day.
        person = people[0]
        event = person.marriage_date if person.relation == Relation.SPOUSE and person.marriage_date \
            else person.birth_date
        start = cover_start(event=event, received_on=app.received_on)
        _add_person(by, _required(app.member), person, start)
    elif app.kind == K.STUDY_PERIOD:
        start = cover_start(event=_required(app.period_start), received_on=app.received_on)
        registry.student_period_add(by=by, beneficiary=_required(app.target), start=start,
                                    end=_required(app.period_end))
    else:
        # The disability counts from its first day when declared within 90 days of it, else from the day the
        # request is received; a child already disabled earlier keeps his earlier start.
        child = _required(app.target)
        start = cover_start(event=_required(app.disabled_from), received_on=app.received_on)
        start = min(start, child.disabled_from or start)
        registry.beneficiary_update(by=by, beneficiary=child, disabled_from=start)
    app.covered_from, app.decided_by, app.decided_at = start, by, timezone.now()
    app.save(update_fields=["member", "covered_from", "decided_by", "decided_at"])
    _set_status(app, S.APPROVED, by, f"approved, covered from {start}")
    return app


@transaction.atomic
def application_reject(*, app: MembershipApplication, by, reason: str) -> MembershipApplication:
    if not user_may_decide(user=by, app=app):
        raise PermissionDenied(_("Your account is not on this unit's staff."))
    if not (reason or "").strip():
        raise field_error("reason", _("Write the reason for the refusal."), "reason")
    app = MembershipApplication.objects.select_for_update().get(pk=app.pk)
    if app.status not in (S.SUBMITTED, S.INCOMPLETE):
        raise ValidationError(_("This application was decided meanwhile."), code="conflict")
    app.reason, app.decided_by, app.decided_at = reason.strip()[:300], by, timezone.now()
    app.save(update_fields=["reason", "decided_by", "decided_at"])
    _set_status(app, S.REJECTED, by, reason)
    return app
