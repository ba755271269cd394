"""Journey in French: the staff of CHU Hassan II (demo account) check a patient's coverage, request a prior
agreement with a medical report, a liquidator grants it, they send the invoice of the 3-day stay, the real worker
liquidates it, and they read the invoice line by line and the month's statement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import ClaimFile, PriorAgreement
from claims.services.agreements import prior_agreement_grant
from members.models import Member
from members.selectors import member_coverage
from tests.claims.factories import pdf_bytes
from tests.worker import wait_for

from .conftest import assert_page_language, login, main_text, shot

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _flat(text: str) -> str:
    """French thousands are separated by a (narrow) no-break space: compare with a plain one."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _covered_member() -> Member:
    for member in Member.objects.filter(mutual__is_ours=True).order_by("membership_number"):
        if member_coverage(member=member).covered:
            return member
    pytest.fail("no covered member in the demo data")


def test_chu_hassan_ii_requests_an_agreement_sends_an_invoice_and_reads_its_statement(seeded, new_page,
                                                                                        celery_worker, tmp_path):
    member = _covered_member()
    patient = member.beneficiaries.get(relation="member")
    start = timezone.localdate() - timedelta(days=4)
    report = tmp_path / "compte-rendu.pdf"
    report.write_bytes(pdf_bytes())
    page = new_page("fr")
    login(page, "chu.hassan2")
    assert page.url.endswith("/partners/")
    assert_page_language(page, "fr")

    # Coverage check: covered, nothing else said about the patient.
    page.fill("#id_membership_number", member.membership_number)
    page.fill("#id_birth_date", patient.birth_date.isoformat())
    page.fill("#id_on", start.isoformat())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "Couvert à cette date" in page.locator("#coverage-answer").inner_text()
    assert member.last_name not in main_text(page)
    shot(page, "partner", "fr", "01-coverage")

    # Prior agreement request with the medical report.
    page.goto("/partners/agreements/new/")
    page.fill("#id_membership_number", member.membership_number)
    page.fill("#id_birth_date", patient.birth_date.isoformat())
    page.select_option("#id_act_code", "HOSP")
    page.fill("#id_planned_from", start.isoformat())
    page.fill("#id_planned_to", (start + timedelta(days=2)).isoformat())
    page.fill("#id_quantity", "3")
    page.fill("#id_estimated_amount", "2100.00")
    page.set_input_files("#id_documents", str(report))
    shot(page, "partner", "fr", "02-request")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/partners/agreements/*/")
    text = main_text(page)
    assert "Décision attendue dans 47 h" in text or "Décision attendue dans 48 h" in text
    assert "compte-rendu.pdf" in text
    shot(page, "partner", "fr", "03-countdown")

    # A liquidator grants it (the queue itself is tested in tests/fhir/test_journey.py).
    agreement = PriorAgreement.objects.get(provider_request__provider__code="chu-hassan-ii")
    prior_agreement_grant(agreement=agreement, by=None)
    page.reload()
    assert "Accordé" in main_text(page)

    # The invoice of the 3-day stay.
    page.locator("main a[href*='/partners/invoices/new/?agreement=']").click()
    page.wait_for_url("**/partners/invoices/new/**")
    page.select_option("#id_agreement", agreement.reference)
    page.fill("#id_number", "CHU-FES-2026-0042")
    page.set_input_files("#id_documents", str(report))
    page.set_input_files("#id_care_sheets", str(report))
    page.select_option("#id_lines-0-act_code", "HOSP")
    page.fill("#id_lines-0-care_date", start.isoformat())
    page.fill("#id_lines-0-quantity", "3")
    page.fill("#id_lines-0-billed_amount", "2100.00")
    shot(page, "partner", "fr", "04-invoice")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/partners/invoices/*/")
    claim = ClaimFile.objects.get(provider_invoice__number="CHU-FES-2026-0042")
    wait_for(lambda: ClaimFile.objects.filter(pk=claim.pk, status="liquidated").exists(),
             what="the worker to liquidate the invoice")
    page.reload()
    lines = _flat(page.locator("#invoice-lines").inner_text())
    assert "Liquidé" in page.locator("#invoice-status").inner_text()
    assert lines.count("2 100,00") >= 3  # billed, base, AMO
    shot(page, "partner", "fr", "05-invoice-decided")

    # The month's statement.
    page.goto("/partners/statement/")
    statement = _flat(page.locator("#statement").inner_text())
    assert "CHU-FES-2026-0042" in statement and "2 100,00" in statement
    assert page.locator("a[href*='statement.pdf']").count() == 1
    shot(page, "partner", "fr", "06-statement")
    assert not page.errors, page.errors
