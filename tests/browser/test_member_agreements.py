"""A member reads his prior agreements, in Arabic and French, on a 1280 px screen and a 375 px phone: from the
dashboard (the waiting and the still-valid ones) to the list (one card per agreement, no horizontal scroll) and
one agreement's page. The demo member 0000000018 has one in each state (units/demo_agreements.py).
Screenshots: test-artifacts/screenshots/member-agreements-*."""

import pytest

from claims.models import AgreementStatus, PriorAgreement
from units.demo_agreements import REFUSAL

from .conftest import assert_page_language, login, main_text, shot
from .test_member_understanding import _serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MEMBER = "0000000018"
WORDS = {  # the catalogue's words for the three states, the hospital and the desk
    "ar": ("في انتظار القرار", "مُنحت", "مرفوضة", "المركز الاستشفائي الجامعي ابن سينا", "مستشفى متعاقد", "شباك"),
    "fr": ("En attente de décision", "Accordé", "Refusé", "CHU Ibn Sina", "hôpital conventionné", "Le guichet de"),
}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_member_reads_his_agreements_from_the_dashboard_to_one_agreement(lang, width, seeded, new_page):
    agreements = {a.status: a for a in PriorAgreement.objects.filter(
        beneficiary__member__membership_number=MEMBER).select_related("provider_request__provider")}
    waiting, granted, refused = (agreements[s] for s in (AgreementStatus.REQUESTED, AgreementStatus.GRANTED,
                                                         AgreementStatus.REFUSED))
    size = "phone" if width < 600 else "desktop"
    page = new_page(lang, width=width, height=900)
    login(page, MEMBER)

    # The dashboard lists the waiting and the granted one, not the refused one.
    current = page.locator("#current-agreements")
    text = current.inner_text()
    assert waiting.reference in text and granted.reference in text and refused.reference not in text
    shot(page, "member-agreements", lang, f"{size}-01-dashboard")

    # The list, from the menu on a desktop (the phone folds the menu; it follows the dashboard's link).
    if size == "desktop":
        link = page.locator("#main-menu a[href='/me/agreements/']")
        assert not link.is_visible()  # folded in its menu group until the heading is clicked
        link.locator("xpath=ancestor::details[1]/summary").click()
        link.click()
    else:
        current.locator("a[href='/me/agreements/']").click()
    page.wait_for_url("**/me/agreements/")
    assert_page_language(page, lang)
    cards = page.locator("#agreements article")
    assert cards.count() == 3
    assert [cards.nth(i).get_attribute("id") for i in range(3)] == [
        f"agreement-{a.pk}" for a in (waiting, granted, refused)]  # newest first
    text = main_text(page)
    for word in WORDS[lang]:
        assert word in text, word
    assert REFUSAL in text
    assert "2" in cards.nth(0).locator(".money").inner_text()  # the hospital's estimate, 2,100.00
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    if lang == "ar":  # the reference and the refusal's French reason keep their own direction inside the RTL page
        assert cards.nth(2).locator(".agreement-reason span").get_attribute("dir") == "auto"
        assert page.evaluate("getComputedStyle(document.querySelector('#agreements dl')).direction") == "rtl"
    assert _serious(page) == []
    shot(page, "member-agreements", lang, f"{size}-02-list")

    # One agreement's page.
    cards.nth(2).locator(f"a[href='/me/agreements/{refused.pk}/']").click()
    page.wait_for_url(f"**/me/agreements/{refused.pk}/")
    text = main_text(page)
    assert refused.reference in text and REFUSAL in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    shot(page, "member-agreements", lang, f"{size}-03-refused")
    assert page.errors == []
