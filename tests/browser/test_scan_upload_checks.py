"""A member attaching scans from a phone, in Arabic and French: a 12 MB scan (the limit is 10 MB) is refused in
the browser before it is sent (with the limit in the message, the form left usable), a real PDF and a JPEG are then
attached, and a ".pdf" that is not a PDF is refused with its name and what is wrong with it."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from claims.models import Attachment
from claims.services import intake
from members.models import Member

from .conftest import assert_page_language, login, main_text, shot, tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FORM = "form[action$='/documents/']"
TOO_LARGE = {"ar": "هذا الملف أكبر من أن يُرسل", "fr": "Ce fichier est trop volumineux pour être envoyé"}
NOT_A_SCAN = {"ar": "«facture.pdf»", "fr": "« facture.pdf » porte un nom de scan"}


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_a_member_is_told_before_sending_that_a_scan_is_too_large_then_attaches_a_pdf_and_a_jpeg(
        lang, seeded, new_page):
    member = Member.objects.get(membership_number="0000000018")
    claim = intake.claim_draft_create(member=member, beneficiary=member.beneficiaries.get(relation="member"),
                                      by=member.user, care_on=timezone.localdate())
    page = new_page(lang, width=390, height=844)
    login(page, "0000000018")
    page.goto(f"/me/claims/{claim.pk}/edit/")
    assert_page_language(page, lang)
    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))

    page.select_option(f"{FORM} select", "care_sheet")
    page.set_input_files(f"{FORM} input[type=file]", files=[{
        "name": "scan-600dpi.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf() + b"0" * (12 * 1024 * 1024)}])
    alert = page.locator(f"{FORM} [role=alert]")
    alert.wait_for()
    assert TOO_LARGE[lang] in alert.inner_text() and "10" in alert.inner_text()
    assert page.locator(f"{FORM} input[type=file]").get_attribute("aria-invalid") == "true"
    page.locator(f"{FORM} button[type=submit]").click()
    page.wait_for_timeout(300)
    assert sent == [] and "/edit/" in page.url  # nothing left the browser
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "scan-upload", lang, "01-too-large")

    for name, mime, data in (("feuille.pdf", "application/pdf", tiny_pdf()), ("photo.jpg", "image/jpeg", _jpeg())):
        page.set_input_files(f"{FORM} input[type=file]", files=[{"name": name, "mimeType": mime, "buffer": data}])
        assert page.locator(f"{FORM} [role=alert]").count() == 0  # a right-sized scan clears the message
        page.locator(f"{FORM} button[type=submit]").click()
        page.wait_for_url("**/me/claims/*/edit/")
        assert name in main_text(page)
    assert sorted(Attachment.objects.filter(claim=claim).values_list("original_name", flat=True)) == [
        "feuille.pdf", "photo.jpg"]

    page.set_input_files(f"{FORM} input[type=file]", files=[{
        "name": "facture.pdf", "mimeType": "application/pdf", "buffer": b"pas un scan\n" * 100}])
    page.locator(f"{FORM} button[type=submit]").click()
    page.wait_for_load_state()
    assert NOT_A_SCAN[lang] in main_text(page)
    assert Attachment.objects.filter(claim=claim).count() == 2
    shot(page, "scan-upload", lang, "02-not-a-pdf")
