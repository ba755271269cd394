"""The language switcher of every page, clicked in the browser: the page comes back in the chosen language, right to
left for Arabic, and a member's choice follows the account to another browser."""

import pytest

from members.models import Member

from .conftest import assert_page_language, login, main_text, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, lang: str) -> None:
    page.locator(f"nav button[name=language][value={lang}]").click()
    page.wait_for_load_state()


def test_a_visitor_switches_to_arabic_on_the_tracking_page_and_gets_it_right_to_left(seeded, new_page):
    page = new_page("fr")
    page.goto("/track/")
    assert_page_language(page, "fr")
    _switch(page, "ar")
    assert page.url.endswith("/track/")
    assert_page_language(page, "ar")
    assert "تتبع ملف المرض" in main_text(page)
    # The language buttons and the brand sit at the opposite ends of the bar in RTL.
    brand = page.locator(".navbar-brand").bounding_box()
    switcher = page.locator("nav button[name=language]").first.bounding_box()
    assert brand["x"] > switcher["x"]
    # The Arabic text is drawn with the Noto Sans Arabic font shipped in static/vendor/fonts (no system fallback).
    assert page.evaluate("""document.fonts.ready.then(() => [...document.fonts].some(
        f => f.family.replace(/"/g, '') === 'Noto Sans Arabic' && f.status === 'loaded'))""")
    shot(page, "language-switch", "ar", "track")


def test_a_members_choice_is_kept_on_the_account_and_follows_them_to_another_browser(seeded, new_page):
    page = new_page("ar")
    login(page, "0000000034")
    page.goto("/me/")
    assert_page_language(page, "ar")
    _switch(page, "fr")
    assert page.url.endswith("/me/")
    assert_page_language(page, "fr")
    assert Member.objects.get(membership_number="0000000034").user.language == "fr"

    elsewhere = new_page("ar")  # another browser, whose Accept-Language says Arabic
    login(elsewhere, "0000000034")
    elsewhere.goto("/me/")
    assert_page_language(elsewhere, "fr")
    assert "Ma couverture aujourd’hui" in main_text(elsewhere)
    shot(elsewhere, "language-switch", "fr", "dashboard-other-browser")
