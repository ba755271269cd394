"""The dashboard's beneficiaries on a 390 px phone, in Arabic and French: one card per person, so why each is
covered or not, and until when, is read on screen instead of in columns squeezed or scrolled out of view."""

import pytest

from members.models import Member

from .conftest import assert_page_language, login, shot
from .test_member_understanding import MEMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WHY = {"ar": "السبب", "fr": "Pourquoi"}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_each_beneficiary_is_a_card_with_the_reason_on_screen(lang, seeded, new_page):
    people = Member.objects.get(membership_number=MEMBER).beneficiaries.count()
    page = new_page(lang, width=390, height=844)
    login(page, MEMBER)
    page.goto("/me/")
    assert_page_language(page, lang)
    rows = page.locator("section[aria-labelledby=beneficiaries-title] table tbody tr")
    assert rows.count() == people
    for index in range(people):
        why = rows.nth(index).locator("td").nth(4)
        box = why.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["width"] > 300  # the whole card's width, not a squeezed column
        assert why.evaluate("td => getComputedStyle(td, '::before').content") == f'"{WHY[lang]}"'
        assert why.inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "member-dashboard-phone", lang, "beneficiaries")
