"""Journey 1: a member activates a web account, logs in, files a claim online with a PDF scan and, once a real
Celery worker has liquidated it, reads the amounts of the line explained — in Arabic (right to left) and French."""

import pytest
from django.utils import timezone

from claims.models import ClaimFile, ClaimStatus
from members.models import Member
from members.selectors import member_coverage
from tests.worker import wait_for

from .conftest import assert_page_language, decimal_text, main_text, shot, tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Ma-Nouvelle-Cle-2026"
LIQUIDATED = {ClaimStatus.LIQUIDATED, ClaimStatus.REJECTED, ClaimStatus.IN_REVIEW}


def _member_without_account() -> Member:
    """A seeded member of our mutual, covered with the complementary cover today, who has no web account yet."""
    for member in Member.objects.filter(user__isnull=True, mutual__is_ours=True).order_by("membership_number"):
        coverage = member_coverage(member=member)
        if coverage.covered and coverage.complementary and member.beneficiaries.exists():
            return member
    pytest.fail("the demo data has no covered member without a web account")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_a_member_activates_files_a_claim_with_a_scan_and_reads_its_liquidation(
        lang, seeded, celery_worker, new_page, tmp_path):
    member = _member_without_account()
    page = new_page(lang)
    today = timezone.localdate()

    # Activate the web account with the facts printed on the membership card.
    page.goto("/activate/")
    assert_page_language(page, lang)
    page.fill("#id_membership_number", member.membership_number)
    page.fill("#id_cin", member.cin)
    page.fill("#id_birth_date", member.birth_date.isoformat())
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    shot(page, "member-claim", lang, "01-activate")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/me/"), main_text(page)
    shot(page, "member-claim", lang, "02-dashboard-after-activation")
    member.refresh_from_db()
    assert member.user is not None and member.user.username == member.membership_number

    # Log out, then log in with the new account.
    page.locator("nav form[action='/logout/'] button").click()
    page.goto("/login/")
    page.fill("#id_username", member.membership_number)
    page.fill("#id_password", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, main_text(page)
    assert_page_language(page, lang)

    # Step 1: date of the care and the person (the member himself, first of the covered people).
    page.goto("/me/claims/new/")
    assert_page_language(page, lang)
    page.locator("input[name=beneficiary]").first.check()
    page.fill("#id_provider_name", "Dr Amina Tazi")
    shot(page, "member-claim", lang, "03-new")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/me/claims/*/edit/")

    # Step 2: one line of care (typed the French way, with a comma) and the scan of the care sheet.
    page.select_option("#id_act_code", "C")
    page.fill("#id_care_date", today.isoformat())
    page.fill("#id_quantity", "1")
    page.fill("#id_billed_amount", "150,00")
    page.locator("form[action$='/lines/'] button[type=submit]").click()
    page.wait_for_url("**/me/claims/*/edit/")
    # A second line the rules refuse (a hospital day needs a prior agreement): its refusal must be explained too.
    page.select_option("#id_act_code", "HOSP")
    page.fill("#id_care_date", today.isoformat())
    page.fill("#id_quantity", "1")
    page.fill("#id_billed_amount", "800")
    page.locator("form[action$='/lines/'] button[type=submit]").click()
    page.wait_for_url("**/me/claims/*/edit/")
    assert page.locator("main table tbody tr").count() == 2
    scan = tmp_path / "feuille-de-soins.pdf"
    scan.write_bytes(tiny_pdf())
    page.select_option("form[action$='/documents/'] select", "care_sheet")
    page.set_input_files("form[action$='/documents/'] input[type=file]", str(scan))
    page.locator("form[action$='/documents/'] button[type=submit]").click()
    page.wait_for_url("**/me/claims/*/edit/")
    assert "feuille-de-soins.pdf" in main_text(page)
    # The hospital day needs its invoice too (documents before pricing: a file lacking one is not priced).
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(tiny_pdf())
    page.select_option("form[action$='/documents/'] select", "invoice")
    page.set_input_files("form[action$='/documents/'] input[type=file]", str(invoice))
    page.locator("form[action$='/documents/'] button[type=submit]").click()
    page.wait_for_url("**/me/claims/*/edit/")
    assert "facture.pdf" in main_text(page)
    shot(page, "member-claim", lang, "04-draft")

    # Step 3: review and send.
    page.locator("a[href$='/review/']").click()
    page.wait_for_url("**/me/claims/*/review/")
    shot(page, "member-claim", lang, "05-review")
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    page.wait_for_url("**/me/claims/*/")
    claim = ClaimFile.objects.get(member=member)

    # The real worker liquidates the file; the member reloads the page and reads the line explained.
    claim = wait_for(lambda: ClaimFile.objects.filter(pk=claim.pk, status__in=LIQUIDATED).first(), timeout=90,
                     what="the worker to liquidate the file")
    assert claim.status == ClaimStatus.LIQUIDATED
    page.reload()
    assert_page_language(page, lang)
    line, refused = claim.lines.order_by("position")
    text = main_text(page)
    for amount in (line.billed_amount, line.base_amount, line.amo_amount, line.complementary_amount,
                   claim.total_reimbursed):
        assert decimal_text(amount, lang) in text, (amount, text)
    assert line.amo_amount > 0 and claim.total_reimbursed == line.amo_amount + line.complementary_amount
    assert not refused.accepted
    assert {"ar": "غير مسترجع", "fr": "Non remboursé"}[lang] in text
    assert {"ar": "يتطلب هذا العلاج موافقة مسبقة من التعاضدية، ولا توجد موافقة تغطي هذا التاريخ.",
            "fr": "Ce soin nécessite un accord préalable de la mutuelle, et aucun ne couvre cette date."}[lang] in text
    assert {"ar": "تمت تصفيته", "fr": "Liquidé"}[lang] in text
    assert {"ar": "الحصة التكميلية", "fr": "Part complémentaire"}[lang] in text
    assert {"ar": "درهم", "fr": "MAD"}[lang] in text
    assert page.errors == []
    shot(page, "member-claim", lang, "06-liquidated")
