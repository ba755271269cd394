"""The provider's monthly statement PDF is laid out by WeasyPrint from the page's own table template: read back
with pdftotext, the Arabic statement has the letterhead, the provider's Arabic name joined and in logical order,
every invoice with its decided amounts and the totals, the page number and the address its QR code points to."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.services.liquidation import claim_liquidate
from partners.services import InvoiceLine, invoice_create
from tests.members.test_attestation_pdf import _text

from . import builders as b
from .test_portal import _granted

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_statement_pdf_reads_back_with_letterhead_totals_and_qr(client, lang, tmp_path):
    cast = b.cast()
    agreement, day = _granted(cast)
    invoice, _ = invoice_create(provider=cast.chu, by=cast.chu_user, agreement_reference=agreement.reference,
                                number="FAC-2026-0042", lines=[InvoiceLine("HOSP", day, 3, D("2100.00"))],
                                documents=b.papers())
    assert claim_liquidate(claim_id=invoice.claim_id) == "liquidated"
    cast.chu_user.language = lang
    cast.chu_user.save(update_fields=["language"])
    client.force_login(cast.chu_user)
    month = timezone.localdate().strftime("%Y-%m")

    page = client.get(reverse("partners:statement"), {"month": month})
    assert 'data-testid="total-billed"' in page.content.decode()  # the page prints the same table, totals too

    response = client.get(reverse("partners:statement_pdf"), {"month": month})
    assert response["Content-Type"] == "application/pdf"
    assert b"/Image" in response.content  # the QR code
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"partner-statement-{lang}.pdf").write_bytes(response.content)
    text = _text(response.content, tmp_path)
    mutual = invoice.claim.member.mutual
    assert mutual.name_ar in text and mutual.name_fr in text  # letterhead
    assert "FAC-2026-0042" in text and invoice.claim.tracking_code_display in text
    assert re.search(r"2[.,\s\u202f]?100[,.]00", text), text  # billed, decided amounts
    assert re.search(r"1 / 1", text), text  # page number
    assert f"/partners/statement/?month={month}" in text  # where the QR code leads
    if lang == "ar":
        assert cast.chu.name_ar in text and "كشف" in text  # joined letters in logical order; "statement"
        assert "Monthly statement" not in text and "Total" not in text
    else:
        assert "Relevé mensuel" in text and cast.chu.name in text and "Total" in text
