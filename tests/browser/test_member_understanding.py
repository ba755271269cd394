"""What a member understands, in Arabic and French, on a 1280 px screen and on a 375 px phone: each line of a
priced file explained (and what is left to pay), the estimate page, the notification centre; every member page
free of serious accessibility violations in the three languages. Screenshots: test-artifacts/screenshots/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import ClaimFile, ClaimStatus
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
    assert results.response["passes"], page.url  # axe-core really ran its rules on the page
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


def _member_urls(claim_pk: int) -> list[str]:
    """Every page of the member space (GET), with one object of each kind to show: a priced file, a draft, a change
    request, an appointment, a provident request, an attestation to verify."""
    from datetime import date

    from members.change_requests import change_request_create
    from members.services import attestation_issue
    from provident.models import ProvidentRequest, ProvidentStatusChange
    from units.models import Slot
    from units.services import appointment_book

    member = Member.objects.get(membership_number=MEMBER)
    himself = member.beneficiaries.get(relation="member")
    draft = claim_draft_create(member=member, beneficiary=himself, by=member.user, care_on=timezone.localdate(),
                               sector="private", provider_name="Cabinet", idempotency_key="")
    claim_line_add(claim=draft, line=LineData(
        act_code="C", care_date=timezone.localdate(), quantity=1, billed_amount=Decimal("100.00")))
    change = change_request_create(member=member, field="address", new_value="12 rue des Orangers, Sefrou",
                                   by=member.user)
    slot = (Slot.objects.filter(start__gt=timezone.now() + timedelta(days=1), service__bookable=True)
            .order_by("start").first())
    appointment = member.appointments.filter(status="booked").first() or appointment_book(
        slot=slot, beneficiary=himself, by=member.user)
    provident = ProvidentRequest.objects.create(
        member=member, benefit="retirement", event_date=date(2026, 6, 30), received_on=timezone.localdate(),
        channel="online", status="received", language="fr")
    ProvidentStatusChange.objects.create(request=provident, to_status="received")
    attestation = attestation_issue(member=member, by=member.user)
    urls = ["/me/", "/me/profile/", "/me/changes/", f"/me/changes/{change.pk}/", "/me/claims/", "/me/claims/new/",
            f"/me/claims/{claim_pk}/", f"/me/claims/{draft.pk}/edit/", f"/me/claims/{draft.pk}/review/",
            f"/me/claims/{draft.pk}/estimate/", "/me/estimate/", "/me/notices/", "/me/access-log/",
            "/me/appointments/", "/me/appointments/book/", f"/me/appointments/{appointment.pk}/reschedule/",
            "/me/lab-orders/", "/me/memberships/", "/me/provident/", "/me/provident/new/",
            f"/me/provident/{provident.pk}/", "/security/", "/security/tokens/", "/security/enrol/", "/account/",
            "/account/password/", "/units/", f"/units/{member.home_unit.code}/", f"/verify/{attestation.code}/"]
    return urls


PUBLIC_URLS = ["/", "/login/", "/track/", "/password-reset/", "/activate/", "/join/", "/units/"]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_every_member_page_has_no_serious_accessibility_violation(lang, width, seeded, new_page):
    """axe-core (the copy shipped inside the axe-playwright-python package: no network) on every page of the member
    space, the public pages a member starts from and the tracking result, in three languages, on a desktop and on
    a 375 px phone: no serious or critical violation, and no page wider than the screen."""
    claim_pk = _priced_file()
    urls = _member_urls(claim_pk)
    violations: dict[str, list[str]] = {}

    def check(page, url: str) -> None:
        response = page.goto(url)
        assert response.status == 200, url
        assert_page_language(page, lang)
        found = _serious(page)
        if page.evaluate("document.documentElement.scrollWidth") > width:  # a phone never scrolls sideways
            found.append(f"wider than {width} px")
        if found:
            violations[url] = found

    visitor = new_page(lang, width=width)
    for url in PUBLIC_URLS:
        check(visitor, url)
    claim = ClaimFile.objects.select_related("member").get(pk=claim_pk)
    visitor.goto("/track/")
    visitor.fill("#id_code", claim.tracking_code_display)
    visitor.fill("#id_birth_date", claim.member.birth_date.isoformat())
    visitor.locator("main form button[type=submit]").click()
    visitor.wait_for_load_state()
    assert visitor.locator("main").inner_text().strip()
    if found := _serious(visitor):
        violations["/track/ (result)"] = found

    page = new_page(lang, width=width)
    login(page, MEMBER)
    for url in urls:
        check(page, url)
    shot(page, f"axe-member-{'phone' if width < 600 else 'desktop'}", lang, "last")
    assert violations == {}, "\n".join(f"{url}: {found}" for url, found in violations.items())
    assert page.errors == [] and visitor.errors == []
