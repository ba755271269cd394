"""Each role's day in the pages, in Arabic and French, on the seeded demo: every role (agent, manager, liquidator,
admin, member) clicks every link of its current menu (units.roles.menu_for) and gets 200, never an error page; a
front-desk agent updates an address and requests a denture agreement with its quote; the liquidator grants it and
runs a payment batch to `paid`; the unit manager lands on the unit's home and changes its opening hours, which the
unit's public page then shows in the reader's language. Screenshots: test-artifacts/screenshots/staff-*."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import AgreementStatus, BatchStatus, ClaimFile, ClaimStatus, PaymentBatch, PriorAgreement
from claims.services.intake import LineData, claim_register_at_desk
from members.models import Member
from members.selectors import member_coverage
from units.roles import menu_for

from .conftest import assert_page_language, login, main_text, shot, tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGS = ["ar", "fr"]
ROLES = {"agent.taounate": "/desk/", "manager.taounate": "/desk/dashboard/", "liquidator": "/review/",
         "admin": "/admin/", "0000000018": "/me/"}
ERROR_TITLES = ("Error 40", "Erreur 40", "خطأ 40", "Error 50", "Erreur 50", "خطأ 50")


@pytest.mark.parametrize("lang", LANGS)
def test_each_role_lands_on_its_home_and_every_link_of_its_menu_opens(lang, seeded, new_page):
    for username, home in ROLES.items():
        page = new_page(lang)
        login(page, username)
        assert page.url.endswith(home), (username, page.url)
        if home != "/admin/":
            assert_page_language(page, lang)
        page.goto("/")  # the menu as every page shows it
        links = page.locator("#main-menu a.nav-link")
        entries = [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href"))
                   for i in range(links.count())]
        assert len(entries) >= 3, (username, entries)
        expected = {entry.url for entry in menu_for(get_user_model().objects.get(username=username))}
        assert expected <= {href for _label, href in entries}, username  # the role's whole current menu
        for index, (label, href) in enumerate(entries):
            page.goto("/")
            link = page.locator(f'#main-menu a.nav-link[href="{href}"]').first
            if not link.is_visible():  # in a folded menu group: opened by its heading, as a reader does
                link.locator("xpath=ancestor::details[1]/summary").click()
            with page.expect_navigation():
                link.click()
            status = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseStatus")
            assert status == 200, (username, label, href, status)
            content = page.content()
            assert not [title for title in ERROR_TITLES if title in content], (username, label, href)
            shot(page, f"staff-menu-{username}", lang, f"{index:02d}")
            if href.startswith("/admin/"):  # Django's admin loads its own assets; only its answer is ours to check
                page.errors.clear()
        assert page.errors == [], (username, page.errors)
        page.context.close()


def _taounate_member() -> Member:
    for member in Member.objects.filter(home_unit__code="taounate", mutual__is_ours=True).exclude(iban="") \
            .order_by("membership_number"):
        if member_coverage(member=member).covered:
            return member
    pytest.fail("no covered member with an IBAN at Taounate in the demo data")


def _liquidated_file(member: Member) -> ClaimFile:
    from claims.tasks import liquidate_claim

    agent = get_user_model().objects.get(username="agent.taounate")
    claim = claim_register_at_desk(
        member=member, beneficiary=member.beneficiaries.get(relation="member"), unit=member.home_unit, by=agent,
        received_on=timezone.localdate(),
        lines=[LineData(act_code="C", care_date=timezone.localdate() - timedelta(days=2), quantity=1,
                        billed_amount=Decimal("150.00"))])
    liquidate_claim(claim.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LIQUIDATED, claim.status
    return claim


@pytest.mark.parametrize("lang", LANGS)
def test_an_agent_updates_an_address_and_requests_a_denture_agreement_then_the_liquidator_grants_it_and_pays(
        lang, seeded, new_page, tmp_path):
    member = _taounate_member()
    new_address = {"ar": "12 شارع السلام، تاونات", "fr": "12 avenue Essalam, Taounate"}[lang]
    page = new_page(lang)
    login(page, "agent.taounate")
    page.fill("#member-search", member.cin)
    result = page.locator("#search-results article").first
    result.wait_for()
    shot(page, "staff-agent-day", lang, "01-found")
    result.locator(f"a[href='/desk/members/{member.pk}/']").click()
    page.wait_for_url(f"**/desk/members/{member.pk}/")
    assert_page_language(page, lang)
    page.fill("#id_address", new_address)
    page.locator("form[action$='/data/'] button[type=submit]").click()
    page.wait_for_url(f"**/desk/members/{member.pk}/")
    member.refresh_from_db()
    assert member.address == new_address
    assert member.history.first().history_user.username == "agent.taounate"
    shot(page, "staff-agent-day", lang, "02-address-saved")

    page.locator("a[href*='/desk/agreements/new/']").first.click()
    page.wait_for_url("**/desk/agreements/new/**")
    page.select_option("#id_beneficiary", str(member.beneficiaries.get(relation="member").pk))
    page.select_option("#id_acts", ["PAD"])
    quote = tmp_path / "devis-prothese.pdf"
    quote.write_bytes(tiny_pdf())
    page.set_input_files("#id_documents", str(quote))
    shot(page, "staff-agent-day", lang, "03-agreement-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/desk/agreements/*/")
    agreement = PriorAgreement.objects.get(beneficiary__member=member)
    assert agreement.status == AgreementStatus.REQUESTED and agreement.documents.count() == 1
    assert agreement.reference in main_text(page)
    shot(page, "staff-agent-day", lang, "04-agreement-requested")
    assert page.errors == []

    claim = _liquidated_file(member)
    page = new_page(lang)
    login(page, "liquidator")
    page.goto(f"/desk/agreements/{agreement.pk}/")
    assert "devis-prothese.pdf" in main_text(page)
    page.locator("button[name=decision][value=grant]").click()
    page.wait_for_load_state()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.GRANTED
    shot(page, "staff-liquidator-day", lang, "01-agreement-granted")

    page.goto("/review/payments/")
    page.locator("form[action$='/review/payments/new/'] button").click()
    page.wait_for_url("**/review/payments/*/")
    batch = PaymentBatch.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))  # the batch just made
    assert claim.tracking_code in main_text(page)
    shot(page, "staff-liquidator-day", lang, "02-batch")
    export = page.request.get(f"/review/payments/{batch.pk}/export.csv")
    assert export.ok and member.iban in export.text()
    page.reload()
    page.locator(f"a[href='/review/payments/{batch.pk}/confirm/check/']").click()
    page.wait_for_url("**/confirm/check/")
    assert claim.tracking_code in main_text(page)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LIQUIDATED  # the check page changes nothing
    shot(page, "staff-liquidator-day", lang, "03-confirm-check")
    page.locator(f"form[action='/review/payments/{batch.pk}/confirm/'] button[type=submit]").click()
    page.wait_for_url(f"**/review/payments/{batch.pk}/")
    claim.refresh_from_db()
    batch.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and batch.status == BatchStatus.CONFIRMED
    shot(page, "staff-liquidator-day", lang, "04-paid")
    assert page.errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_manager_opens_his_home_and_changes_the_units_opening_hours(lang, seeded, new_page):
    from units.models import OpeningHours

    page = new_page(lang)
    login(page, "manager.taounate")
    assert page.url.endswith("/desk/dashboard/")
    assert_page_language(page, lang)
    now = page.locator("#unit-now")
    assert now.locator("#files-by-status tr").count() >= 5
    assert "Responsable Taounate" in now.locator("#unit-staff").inner_text()
    shot(page, "staff-manager-day", lang, "01-home")
    page.locator("#edit-hours").click()
    page.wait_for_url("**/desk/hours/?unit=taounate")
    assert_page_language(page, lang)
    page.fill("#id_d4_closes_1", "12:00")  # Friday: the morning only
    page.fill("#id_d5_opens_1", "09:00")  # Saturday morning opens
    page.fill("#id_d5_closes_1", "12:00")
    shot(page, "staff-manager-day", lang, "02-hours-form")
    page.locator("#hours-form button[type=submit]").click()
    page.wait_for_url("**/desk/hours/?unit=taounate")
    friday = OpeningHours.objects.get(unit__code="taounate", weekday=4)
    assert (friday.opens.isoformat(), friday.closes.isoformat()) == ("08:30:00", "12:00:00")
    # Friday 08:30–16:30 removed, Friday 08:30–12:00 and Saturday 09:00–12:00 added, each by the manager
    assert OpeningHours.history.filter(unit__code="taounate", history_user__username="manager.taounate").count() == 3
    history = page.locator("#hours-history").inner_text()
    assert "Responsable Taounate" in history
    shot(page, "staff-manager-day", lang, "03-hours-saved")
    page.goto("/units/taounate/")
    text = main_text(page)
    saturday = {"ar": "من 09:00 إلى 12:00", "fr": "09:00–12:00"}[lang]
    assert saturday in text, text
    assert_page_language(page, lang)
    shot(page, "staff-manager-day", lang, "04-unit-page")
    assert page.errors == []
