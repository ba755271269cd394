"""Demo applications, one in each state (submitted, incomplete, approved, rejected), and requests of the first
member with a web account (a child added, a study period waiting for its school certificate), made through the
services so the demo data obeys the same rules as real ones. Idempotent."""

from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.identifiers import moroccan_iban_from_rib
from members.models import Member
from units.models import ServiceUnit, StaffAssignment, StaffRole

from .models import MembershipApplication
from .reference import required_documents_seed
from .services import (
    ApplicantInput,
    DocumentInput,
    PersonInput,
    application_approve,
    application_reject,
    application_submit,
    member_request_submit,
)

DEMO_CINS = {"submitted": "DM100001", "incomplete": "DM100002", "approved": "DM100003", "rejected": "DM100004"}


def _pdf(name: str) -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, name)
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def seed_membership_demo() -> int:
    required_documents_seed()
    if MembershipApplication.objects.filter(cin__in=DEMO_CINS.values()).exists():
        return 0
    sefrou = ServiceUnit.objects.filter(code="sefrou").first()
    agent = StaffAssignment.objects.filter(unit=sefrou, role=StaffRole.FRONT_DESK).select_related("user").first()
    if sefrou is None or agent is None:
        return 0
    today = timezone.localdate()
    names = {"submitted": ("Hajar", "Ouazzani"), "incomplete": ("Yassir", "Kettani"),
             "approved": ("Imane", "Chraibi"), "rejected": ("Reda", "Amrani")}
    for n, (state, cin) in enumerate(DEMO_CINS.items(), 1):
        first, last = names[state]
        applicant = ApplicantInput(cin=cin, first_name=first, last_name=last, birth_date=date(1988 + n, 3, 10),
                                   sex="F" if first in ("Hajar", "Imane") else "M", employer="Ministère de la Santé",
                                   took_office_on=today - timedelta(days=20 * n),
                                   iban=moroccan_iban_from_rib(f"{660_000 + n:024d}"), phone=f"+2126610000{n:02d}",
                                   payroll_number=f"PPR-{4400 + n}")
        child = PersonInput(relation="child", first_name="Nour", last_name=last, birth_date=date(2018, 6, 1),
                            sex="F")
        documents = [] if state == "incomplete" else [
            DocumentInput("cin", _pdf("cin.pdf")), DocumentInput("work_certificate", _pdf("travail.pdf")),
            DocumentInput("bank_details", _pdf("rib.pdf")), DocumentInput("birth_certificate", _pdf("nour.pdf"), 1)]
        app = application_submit(channel="online", by=None, home_unit=sefrou, applicant=applicant, people=[child],
                                 documents=documents, language="ar")
        if state == "approved":
            application_approve(app=app, by=agent.user)
        elif state == "rejected":
            application_reject(app=app, by=agent.user, reason="Bulletin de paie illisible")
    return len(DEMO_CINS) + _member_requests(today)


def _member_requests(today: date) -> int:
    """The first member with a web account asked to add a newborn (approved) and declared a study period whose
    school certificate is still missing (incomplete): his page /me/memberships/ shows both."""
    member = Member.objects.filter(user__isnull=False).order_by("membership_number").first()
    desk = StaffAssignment.objects.filter(unit=member.home_unit, role=StaffRole.FRONT_DESK).first() if member \
        else None
    if member is None or desk is None:
        return 0
    agent = desk.user
    born = today - timedelta(days=30)
    baby = PersonInput(relation="child", first_name="Adam", last_name=member.last_name, birth_date=born, sex="M")
    added = member_request_submit(channel="front_desk", by=agent, member=member, kind="add_child", person=baby,
                                  received_on=today - timedelta(days=5), language="fr",
                                  documents=[DocumentInput("birth_certificate", _pdf("naissance.pdf"), 1)])
    application_approve(app=added, by=agent)
    child = member.beneficiaries.filter(relation="child", birth_date__lte=today - timedelta(days=19 * 365)).first()
    if child is None:
        return 1
    member_request_submit(channel="front_desk", by=agent, member=member, kind="study_period", target=child,
                          period_start=date(today.year, 9, 15) if today.month >= 9 else date(today.year - 1, 9, 15),
                          period_end=date(today.year + 1, 7, 31) if today.month >= 9 else date(today.year, 7, 31),
                          received_on=today, language="fr")
    return 2
