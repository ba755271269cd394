"""Demo applications, one in each state (submitted, incomplete, approved, rejected), made through the services so
the demo data obeys the same rules as real ones. Idempotent."""

from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.identifiers import moroccan_iban_from_rib
from units.models import ServiceUnit, StaffAssignment, StaffRole

from .models import MembershipApplication
from .services import (
    ApplicantInput,
    DocumentInput,
    PersonInput,
    application_approve,
    application_reject,
    application_submit,
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
    return len(DEMO_CINS)
