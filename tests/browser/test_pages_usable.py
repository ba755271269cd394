"""The main pages, in Arabic and French: usable on a 375 px wide phone (no sideways scrolling) and free of serious or
critical accessibility violations found by axe-core in the browser."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.services.intake import LineData, claim_register_at_desk
from members.models import Member

from .conftest import assert_page_language, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 375


def _member_file() -> tuple[Member, int]:
    """Member 0000000018 with a paper file received at the desk, so that the member's file page has content."""
    member = Member.objects.get(membership_number="0000000018")
    unit = member.home_unit
    agent = get_user_model().objects.get(username=f"agent.{unit.code}")
    claim = claim_register_at_desk(
        member=member, beneficiary=member.beneficiaries.get(relation="member"), unit=unit, by=agent,
        received_on=timezone.localdate(),
        lines=[LineData(act_code="C", care_date=timezone.localdate() - timedelta(days=1), quantity=1,
                        billed_amount=Decimal("150.00"))])
    return member, claim.pk


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_main_pages_fit_a_phone_and_have_no_serious_accessibility_violation(lang, seeded, new_page):
    _member, claim_pk = _member_file()
    pages = [("home", None, "/"), ("login", None, "/login/"), ("dashboard", "0000000018", "/me/"),
             ("claim-file", "0000000018", f"/me/claims/{claim_pk}/"), ("desk", "agent.sefrou", "/desk/"),
             ("desk-claims", "agent.sefrou", "/desk/claims/")]
    too_wide, violations = {}, {}
    sessions = {}
    for name, who, url in pages:
        if who not in sessions:
            sessions[who] = new_page(lang, width=PHONE, height=800)
            if who:
                login(sessions[who], who)
        page = sessions[who]
        page.goto(url)
        assert_page_language(page, lang)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            too_wide[url] = width
        shot(page, "phone", lang, name)
        found = _serious(page)
        if found:
            violations[url] = found
        assert page.errors == [], (url, page.errors)
    assert too_wide == {}
    assert violations == {}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_on_a_phone_the_menu_folds_behind_a_toggle_and_the_language_stays_at_hand(lang, seeded, new_page):
    page = new_page(lang, width=PHONE, height=800)
    login(page, "0000000018")
    page.goto("/me/")
    menu = page.locator("#main-menu")
    assert not menu.is_visible()
    assert page.locator("nav button[name=language]").first.is_visible()
    page.locator("label[for=nav-toggle]").click()
    assert menu.is_visible()
    files = menu.locator("a[href='/me/claims/']")
    files.locator("xpath=ancestor::details[1]/summary").click()  # the "My files" group folds out in place
    shot(page, "phone", lang, "menu-open")
    files.click()
    page.wait_for_url("**/me/claims/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE

    desktop = new_page(lang, width=1280)
    login(desktop, "0000000018")
    desktop.goto("/me/")
    assert not desktop.locator("label[for=nav-toggle]").is_visible()
    # A member's eleven pages fold into three groups: the menu bar stays within two lines on a laptop.
    menu = desktop.locator("#main-menu ul.navbar-nav")
    line = desktop.locator("#main-menu ul.navbar-nav > li").first.bounding_box()["height"]
    assert menu.bounding_box()["height"] <= 2.5 * line
    files = desktop.locator("#main-menu a[href='/me/claims/']")
    assert not files.is_visible()
    groups = desktop.locator("#main-menu details > summary")
    groups.first.click()
    assert files.is_visible()
    groups.nth(1).click()  # one group open at a time
    assert not files.is_visible()
