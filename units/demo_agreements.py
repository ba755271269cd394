"""Demo prior agreements of the first member with a web account (0000000018), one in each state his page
/me/agreements/ shows: a removable denture asked at his unit's desk and granted, another one refused with the
liquidator's reason, and a hospital stay asked by a CHU under convention, waiting for its decision. Made through
the services, so the demo obeys the same rules as real requests. Idempotent: nothing is added to a member who
already has agreements."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from claims.models import PriorAgreement
from claims.services.agreements import prior_agreement_grant, prior_agreement_refuse
from members.models import Member, User
from partners.models import Provider
from partners.services import agreement_request_create

from .models import StaffAssignment, StaffRole
from .services_agreements import desk_agreement_request

REFUSAL = "Le devis ne précise pas les dents à remplacer : déposer un devis détaillé du prothésiste."


def _pdf(name: str) -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, name)
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def seed_agreements() -> int:
    member = Member.objects.filter(user__isnull=False).order_by("membership_number").first()
    if member is None or PriorAgreement.objects.filter(beneficiary__member=member).exists():
        return 0
    desk = StaffAssignment.objects.filter(unit=member.home_unit, role=StaffRole.FRONT_DESK).select_related(
        "user", "unit").first()
    liquidator = User.objects.filter(username="liquidator").first()
    chu = Provider.objects.filter(code="chu-ibn-sina").first()
    if desk is None or liquidator is None or chu is None:
        return 0
    today = timezone.localdate()
    himself = member.beneficiaries.get(relation="member")
    spouse = member.beneficiaries.filter(relation="spouse").first() or himself

    refused = desk_agreement_request(unit=desk.unit, by=desk.user, beneficiary=spouse, act_codes=["PAD"],
                                     valid_from=today - timedelta(days=40), valid_to=today + timedelta(days=50),
                                     documents=[_pdf("devis.pdf")])
    prior_agreement_refuse(agreement=refused, by=liquidator, notes=REFUSAL)
    granted = desk_agreement_request(unit=desk.unit, by=desk.user, beneficiary=himself, act_codes=["PAD"],
                                     valid_from=today - timedelta(days=15), valid_to=today + timedelta(days=75),
                                     documents=[_pdf("devis-detaille.pdf"), _pdf("schema-dentaire.pdf")])
    prior_agreement_grant(agreement=granted, by=liquidator)
    agreement_request_create(provider=chu, by=None, membership_number=member.membership_number,
                             birth_date=spouse.birth_date, act_code="HOSP", planned_from=today + timedelta(days=10),
                             planned_to=today + timedelta(days=12), quantity=3, estimated_amount=Decimal("2100.00"),
                             documents=[_pdf("compte-rendu.pdf")], identifier="DEMO-STAY-1")
    return 3
