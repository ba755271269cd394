"""Factories and small builders of the intake tests: files, lines, units, staff, and real scan bytes."""

import io
from datetime import date
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from claims.demo import seed_reference
from claims.models import ClaimFile, ClaimLine, ClaimStatus
from claims.models.files import tracking_code_new
from tests.factories import MemberFactory, StaffUserFactory
from units.models import ServiceUnit, StaffRole
from units.services_staff import staff_assign


def reference() -> None:
    """The sample nomenclature (acts C, CS, MED, B...) and rule parameters of docs/liquidation.md."""
    seed_reference()


class ClaimFileFactory(DjangoModelFactory):
    class Meta:
        model = ClaimFile

    tracking_code = factory.LazyFunction(tracking_code_new)
    member = factory.SubFactory(MemberFactory)
    beneficiary = factory.LazyAttribute(lambda claim: claim.member.beneficiaries.get(relation="member"))
    status = ClaimStatus.RECEIVED
    channel = "online"
    received_on = date(2026, 11, 1)
    total_billed = Decimal("100.00")


class ClaimLineFactory(DjangoModelFactory):
    class Meta:
        model = ClaimLine

    claim = factory.SubFactory(ClaimFileFactory)
    position = factory.Sequence(lambda n: n + 1)
    act_id = "C"
    care_date = date(2026, 10, 20)
    quantity = 1
    billed_amount = Decimal("100.00")


def unit(code: str = "taounate") -> ServiceUnit:
    return ServiceUnit.objects.get_or_create(code=code, defaults={
        "name_fr": f"Unité de {code.title()}", "name_ar": f"وحدة {code}", "city": code.title(),
        "region": "Fès-Meknès"})[0]


def staff(at: ServiceUnit, role: str = StaffRole.FRONT_DESK, **fields):
    user = StaffUserFactory(**fields)
    staff_assign(user=user, unit=at, role=role)  # the assignment and the role's group
    return user


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str = "PNG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(name: str = "care-sheet.pdf", data: bytes | None = None, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)
