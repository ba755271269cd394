"""Language: from the browser by default, switchable on every page, kept on the member's account; Arabic is RTL."""

import re
from html import unescape
from pathlib import Path

import polib
import pytest
from django.urls import reverse

from members.models import Member

ROOT = Path(__file__).resolve().parents[2]
MEMBER = "0000000018"


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def _text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def member_user(demo_data):
    return Member.objects.get(membership_number=MEMBER).user


@pytest.mark.django_db
@pytest.mark.parametrize("accept, lang, direction, css", [
    ("ar-MA,ar;q=0.9", "ar", "rtl", "bootstrap.rtl.min.css"),
    ("fr-FR,fr;q=0.9", "fr", "ltr", "bootstrap.min.css"),
    ("en-US,en;q=0.9", "en", "ltr", "bootstrap.min.css"),
])
def test_the_language_defaults_to_the_browsers_and_arabic_pages_are_right_to_left(client, accept, lang, direction, css):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=accept)
    assert _html_tag(response) == f'<html lang="{lang}" dir="{direction}">'
    assert f"vendor/bootstrap/{css}" in response.content.decode()


@pytest.mark.django_db
def test_a_visitor_switches_language_from_any_page_and_stays_in_it(client):
    response = client.post(reverse("language_set"), {"language": "ar", "next": reverse("claims:track")},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == reverse("claims:track")
    page = client.get(reverse("claims:track"), HTTP_ACCEPT_LANGUAGE="fr")
    assert 'dir="rtl"' in _html_tag(page)
    assert "تتبع ملف المرض" in page.content.decode()


@pytest.mark.django_db
def test_the_language_a_member_chooses_is_saved_on_the_account_and_wins_over_the_browser(client, member_user):
    client.force_login(member_user)
    client.post(reverse("language_set"), {"language": "ar", "next": reverse("dashboard")})
    member_user.refresh_from_db()
    assert member_user.language == "ar"
    other_browser = client.__class__()
    other_browser.force_login(member_user)
    page = other_browser.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr")
    assert _html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "تغطيتي اليوم" in page.content.decode()


@pytest.mark.django_db
def test_every_page_offers_the_three_languages(client, member_user):
    client.force_login(member_user)
    html = client.get(reverse("dashboard")).content.decode()
    for code, name in (("ar", "العربيّة"), ("fr", "Français"), ("en", "English")):
        assert re.search(rf'name="language" value="{code}"[^>]*>\s*{name}', html, flags=re.I), code


def _english_sources() -> dict[str, str]:
    """English source strings (whole sentences, no placeholder) with their Arabic translation."""
    po = polib.pofile(str(ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    return {e.msgid: e.msgstr for e in po if not e.obsolete and not e.msgid_plural and e.msgstr
            and len(e.msgid) >= 12 and "%" not in e.msgid and "{" not in e.msgid and e.msgstr != e.msgid}


def _contains(text: str, phrase: str) -> bool:
    """`phrase` as whole words ("Administration" is not in "Administrations Publiques", a mutual's name)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


PAGES = [
    ("home", None), ("login", None), ("activate", None), ("claims:track", None), ("units:list", None),
    ("dashboard", "member"), ("claims:member_claims", "member"), ("claims:member_new", "member"),
    ("units:my_appointments", "member"), ("profile", "member"),
    ("units:my_booking", "member"), ("change_requests", "member"),
    ("units:desk", "agent.sefrou"), ("claims:desk_claims", "agent.sefrou"), ("units:appointments", "agent.sefrou"),
    ("claims:review_list", "liquidator"),
]


@pytest.mark.django_db
def test_the_main_pages_shown_in_arabic_hold_no_english_sentence(client, demo_data, django_user_model):
    """A sentence of the catalogue that the English page shows must not appear on the Arabic page (a string that
    escaped translation, e.g. evaluated at import time with gettext instead of gettext_lazy)."""
    sources = _english_sources()
    leaks, untested = {}, []
    for url_name, who in PAGES:
        client.logout()
        if who:
            user = (Member.objects.get(membership_number=MEMBER).user if who == "member"
                    else django_user_model.objects.get(username=who))
            user.language = ""
            user.save(update_fields=["language"])
            client.force_login(user)
        url = reverse(url_name)
        english = _text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
        assert response.status_code == 200, url
        assert 'dir="rtl"' in _html_tag(response), url
        arabic = _text(response)
        shown = [source for source in sources if _contains(english, source)]
        if not shown:
            untested.append(url)
        leaks[url] = [source for source in shown if _contains(arabic, source)]
    assert untested == []
    assert leaks == {url: [] for url in leaks}
