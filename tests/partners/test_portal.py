"""The provider portal: the coverage check tells nothing more than covered or not, a clinic without convention
cannot ask, an invoice is priced in the beneficiary's history (its ceiling counts for the member's later file),
the invoice page and the monthly statement (page, CSV, PDF) show each decision, and provider staff pass the
second factor like staff."""

import csv
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from claims.models import Act, ClaimFile, ClaimLine
from claims.services.agreements import prior_agreement_grant
from claims.services.liquidation import claim_liquidate
from partners.models import Invoice
from partners.services import InvoiceLine, agreement_request_create, invoice_create
from tests.claims.factories import ClaimFileFactory, ClaimLineFactory, upload

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return b.cast()


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def _portal(client, user):
    client.force_login(user)
    return client


def _granted(cast, *, act: str = "HOSP", days: int = 3, quantity: int = 3, amount: str = "2100.00"):
    day = timezone.localdate() - timedelta(days=days)
    agreement, _ = agreement_request_create(
        provider=cast.chu, by=cast.chu_user, membership_number=cast.member.membership_number,
        birth_date=cast.patient.birth_date, act_code=act, planned_from=day, planned_to=day + timedelta(days=2),
        quantity=quantity, estimated_amount=D(amount), documents=[upload("report.pdf")])
    return prior_agreement_grant(agreement=agreement, by=None), day


def test_the_coverage_check_answers_covered_and_nothing_about_the_member(client, cast):
    portal = _portal(client, cast.chu_user)
    today = timezone.localdate().isoformat()
    covered = portal.get(reverse("partners:portal"), {
        "membership_number": cast.member.membership_number, "birth_date": cast.patient.birth_date.isoformat(),
        "on": today})
    wrong_birth = portal.get(reverse("partners:portal"), {
        "membership_number": cast.member.membership_number, "birth_date": "1999-09-09", "on": today})
    unknown = portal.get(reverse("partners:portal"), {
        "membership_number": "0000000000", "birth_date": "1999-09-09", "on": today})
    assert covered.context["answer"].covered and covered.context["answer"].complementary
    assert not wrong_birth.context["answer"].covered and not unknown.context["answer"].covered
    page = covered.content.decode()
    assert cast.member.last_name not in page and cast.member.first_name not in page and cast.member.cin not in page


def test_a_clinic_without_a_convention_cannot_ask_for_a_prior_agreement(client, cast):
    clinic_user = b.account(cast.clinic, "clinique.atlas")
    day = timezone.localdate() + timedelta(days=3)
    response = _portal(client, clinic_user).post(reverse("partners:agreement_new"), {
        "membership_number": cast.member.membership_number, "birth_date": cast.patient.birth_date.isoformat(),
        "act_code": "HOSP", "planned_from": day.isoformat(), "planned_to": day.isoformat(), "quantity": 1,
        "estimated_amount": "800.00", "documents": upload("report.pdf")})
    assert response.status_code == 400
    assert "pas de convention" in response.content.decode()  # the account reads French
    assert not cast.clinic.agreement_requests.exists()


def test_an_invoice_sent_from_the_portal_is_priced_and_shown_line_by_line(client, cast):
    agreement, day = _granted(cast)
    portal = _portal(client, cast.chu_user)
    sent = portal.post(reverse("partners:invoice_new"), {
        "agreement": agreement.reference, "number": "=HYPERLINK(\"x\")", "documents": upload("invoice.pdf"),
        "care_sheets": upload("care-sheet.pdf"), "prescriptions": upload("prescription.pdf"),
        "lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0,
        "lines-0-act_code": "HOSP", "lines-0-care_date": day.isoformat(), "lines-0-quantity": 3,
        "lines-0-billed_amount": "2100.00",
        "lines-1-act_code": "MED", "lines-1-care_date": day.isoformat(), "lines-1-quantity": 1,
        "lines-1-billed_amount": "235.55"})
    assert sent.status_code == 302
    invoice = Invoice.objects.get(provider=cast.chu)
    assert claim_liquidate(claim_id=invoice.claim_id) == "liquidated"

    page = portal.get(reverse("partners:invoice", args=[invoice.pk]))
    hosp, med = page.context["lines"]
    assert (hosp.base, hosp.amo, hosp.complementary, hosp.member_share) == (D("2100.00"), D("2100.00"), D("0.00"),
                                                                           D("0.00"))
    # Medicines at a public hospital: AMO 70 %, complementary 50 % of the rest (rule book example 2).
    assert (med.amo, med.complementary, med.member_share) == (D("164.89"), D("35.33"), D("35.33"))

    month = timezone.localdate().strftime("%Y-%m")
    rows = list(csv.reader(io.StringIO(portal.get(reverse("partners:statement_csv"), {"month": month})
                                       .content.decode())))
    assert rows[1][0] == "'=HYPERLINK(\"x\")"  # a spreadsheet shows it, never runs it
    assert rows[1][4:9] == ["2335.55", "2264.89", "35.33", "2300.22", "35.33"]
    pdf = portal.get(reverse("partners:statement_pdf"), {"month": month})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_another_providers_invoice_and_agreement_are_not_found(client, cast):
    agreement, day = _granted(cast)
    invoice, _ = invoice_create(provider=cast.chu, by=cast.chu_user, agreement_reference=agreement.reference,
                                number="FAC-9", lines=[InvoiceLine("HOSP", day, 3, D("2100.00"))],
                                documents=b.papers())
    other = _portal(client, cast.other_user)
    assert other.get(reverse("partners:invoice", args=[invoice.pk])).status_code == 404
    assert other.get(reverse("partners:agreement", args=[agreement.pk])).status_code == 404
    document = agreement.provider_documents.get()
    assert other.get(reverse("partners:agreement_document", args=[document.pk])).status_code == 404
    with pytest.raises(ValidationError) as refused:
        invoice_create(provider=cast.other, by=cast.other_user, agreement_reference=agreement.reference,
                       number="FAC-10", lines=[InvoiceLine("HOSP", day, 3, D("2100.00"))],
                       documents=b.papers())
    assert list(refused.value.message_dict) == ["agreement"]


def test_an_invoice_counts_towards_the_members_ceiling_afterwards(cast):
    """PAD (removable denture) under convention: the invoice takes the 3,000.00 AMO ceiling; the member's own
    later denture file finds the ceiling reached."""
    cast.chu.conventions.get().acts.add(Act.objects.get(code="PAD"))
    agreement, day = _granted(cast, act="PAD", days=20, quantity=1, amount="5000.00")
    invoice, _ = invoice_create(provider=cast.chu, by=cast.chu_user, agreement_reference=agreement.reference,
                                number="FAC-PAD", lines=[InvoiceLine("PAD", day, 1, D("5000.00"))],
                                documents=b.papers())
    claim_liquidate(claim_id=invoice.claim_id)
    line = ClaimLine.objects.get(claim=invoice.claim)
    assert (line.amo_amount, line.reason_codes) == (D("3000.00"), ["CEILING_REACHED"])

    later = ClaimFileFactory(member=cast.member, beneficiary=cast.patient, received_on=timezone.localdate(),
                             sector="private")
    ClaimLineFactory(claim=later, position=1, act_id="PAD", care_date=day + timedelta(days=1), quantity=1,
                     billed_amount=D("1000.00"), prior_agreement_ref=agreement.reference)
    assert claim_liquidate(claim_id=later.pk) == "rejected"
    assert ClaimLine.objects.get(claim=later).reason_codes == ["CEILING_REACHED"]


def test_the_member_sees_the_stay_among_their_files_with_what_they_still_owe(client, cast):
    agreement, day = _granted(cast, act="MED")
    invoice, _ = invoice_create(provider=cast.chu, by=cast.chu_user, agreement_reference=agreement.reference,
                                number="FAC-MED", lines=[InvoiceLine("MED", day, 1, D("235.55"))],
                                documents=b.papers())
    claim_liquidate(claim_id=invoice.claim_id)
    client.force_login(cast.member.user)
    files = client.get(reverse("claims:member_claims")).content.decode()
    assert invoice.claim.tracking_code_display in files
    response = client.get(reverse("claims:member_claim", args=[invoice.claim_id]))
    assert response.status_code == 200
    billing = _flat(_between(response.content.decode(), 'id="direct-billing"', "</div>"))
    assert "CHU Hassan II" in billing and "200,22" in billing and "35,33" in billing  # paid 200.22, owes 35.33
    assert ClaimFile.objects.get(pk=invoice.claim_id).channel == "provider"


def test_provider_staff_pass_the_second_factor_like_staff(client, cast, settings):
    settings.STAFF_OTP_REQUIRED = True
    cast.chu_user.set_password("Provider-Password-2026")
    cast.chu_user.save()
    assert client.post(reverse("login"), {"username": cast.chu_user.username,
                                          "password": "Provider-Password-2026"}).status_code == 302
    response = client.get(reverse("partners:portal"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security:enrol"))
