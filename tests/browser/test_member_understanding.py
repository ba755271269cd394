"""What a member understands, in Arabic and French, on a 1280 px screen and on a 375 px phone: each line of a
priced file explained (and what is left to pay), the estimate page, the notification centre; every member page
free of serious accessibility violations in the three languages. Screenshots: test-artifacts/screenshots/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import ClaimStatus
from claims.services.intake import LineData, claim_draft_create, claim_line_add, claim_register_at_desk
from claims.services.liquidation import claim_liquidate
from members.models import Member

from .conftest import assert_page_language, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MEMBER = "0000000018"


def _priced_file() -> int:
    """A paper file of member 0000000018 received at the desk and priced: a capped consultation and medicines."""
    member = Member.objects.get(membership_number=MEMBER)
    unit = member.home_unit
    agent = get_user_model().objects.get(username=f"agent.{unit.code}")
    yesterday = timezone.localdate() - timedelta(days=1)
    claim = claim_register_at_desk(
        member=member, beneficiary=member.beneficiaries.get(relation="member"), unit=unit, by=agent,
        received_on=timezone.localdate(),
        lines=[LineData(act_code="CS", care_date=yesterday, quantity=1, billed_amount=Decimal("300.00")),
               LineData(act_code="MED", care_date=yesterday, quantity=1, billed_amount=Decimal("235.55"))])
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LIQUIDATED
    return claim.pk


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_lines_are_explained_the_estimate_answers_and_notices_are_read(lang, width, seeded, new_page):
    claim_pk = _priced_file()
    page = new_page(lang, width=width, height=900)
    login(page, MEMBER)
    size = "phone" if width < 600 else "desktop"

    # The file: every line says why, and what is left to pay.
    page.goto(f"/me/claims/{claim_pk}/")
    assert_page_language(page, lang)
    lines = page.locator("tbody tr[data-line]")
    assert lines.count() == 2
    for i in range(2):
        steps = lines.nth(i).locator(".why-steps li")
        assert steps.count() >= 3
        assert steps.first.is_visible() and steps.first.inner_text().strip()
    remaining = page.locator("[data-testid=remaining-total]")
    assert remaining.is_visible()
    assert "300" in lines.first.inner_text()
    _fits(page, width)
    assert _serious(page) == []
    shot(page, f"explained-{size}", lang, "file")

    # The estimate: same engine, nothing saved.
    page.goto("/me/estimate/")
    page.select_option("#id_line-0-act_code", "C")
    page.fill("#id_line-0-care_date", (timezone.localdate() - timedelta(days=2)).isoformat())
    page.fill("#id_line-0-quantity", "1")
    page.fill("#id_line-0-billed_amount", "150")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    estimate = page.locator("[data-testid=estimate]")
    assert estimate.is_visible()
    assert estimate.locator(".why-steps li").count() >= 3
    assert page.locator("[data-testid=estimate-total]").is_visible()
    _fits(page, width)
    assert _serious(page) == []
    shot(page, f"estimate-{size}", lang, "result")

    # The notification centre: the file's notices, worded in the page's language; mark all read.
    page.goto("/me/notices/")
    notices = page.locator("[data-testid=notices] li")
    assert notices.count() >= 1
    text = notices.first.inner_text()
    if lang == "ar":
        assert any("\u0600" <= c <= "\u06ff" for c in text), text
    else:
        assert "Dossier" in page.locator("[data-testid=notices]").inner_text()
    _fits(page, width)
    assert _serious(page) == []
    shot(page, f"notices-{size}", lang, "unread")
    page.locator("main form[action$='/me/notices/read/'] button").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=unread-count]").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_every_member_page_has_no_serious_accessibility_violation(lang, seeded, new_page):
    claim_pk = _priced_file()
    member = Member.objects.get(membership_number=MEMBER)
    draft = claim_draft_create(member=member, beneficiary=member.beneficiaries.get(relation="member"),
                               by=member.user, care_on=timezone.localdate(), sector="private",
                               provider_name="Cabinet", idempotency_key="")
    claim_line_add(claim=draft, line=LineData(
        act_code="C", care_date=timezone.localdate(), quantity=1, billed_amount=Decimal("100.00")))
    urls = ["/me/", "/me/profile/", "/me/changes/", "/me/claims/", "/me/claims/new/", f"/me/claims/{claim_pk}/",
            f"/me/claims/{draft.pk}/edit/", f"/me/claims/{draft.pk}/review/", f"/me/claims/{draft.pk}/estimate/",
            "/me/estimate/", "/me/notices/", "/me/access-log/", "/me/appointments/", "/me/appointments/book/",
            "/me/lab-orders/", "/security/"]
    page = new_page(lang)
    login(page, MEMBER)
    violations = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert_page_language(page, lang)
        found = _serious(page)
        if found:
            violations[url] = found
    shot(page, "axe-member", lang, "security")
    assert violations == {}
