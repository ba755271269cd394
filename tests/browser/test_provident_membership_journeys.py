"""Journeys of issue #15, in Arabic and French: a civil servant applies online and is approved at Sefrou; the heirs
of a member file the death allowance at Taounate, a real worker liquidates it, a second liquidator approves it and
each heir is paid on his own IBAN."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.models import Transfer
from claims.tasks import periodic_payment_batch
from members.identifiers import moroccan_iban_from_rib
from members.models import Member
from memberships.models import MembershipApplication
from provident.models import ProvidentRequest
from tests.worker import wait_for
from units.models import ServiceUnit

from .conftest import assert_page_language, login, main_text, shot, tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGS = ["ar", "fr"]


def _scan(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(tiny_pdf())
    return str(path)


@pytest.mark.parametrize("lang", LANGS)
def test_a_civil_servant_applies_online_and_is_approved_at_sefrou(lang, seeded, new_page, tmp_path):
    sefrou = ServiceUnit.objects.get(code="sefrou")
    cin = "ZX77001" if lang == "ar" else "ZX77002"
    page = new_page(lang)
    page.goto("/join/")
    assert_page_language(page, lang)
    values = {"#id_cin": cin, "#id_first_name": "Salma", "#id_last_name": "Berrada", "#id_birth_date": "1991-04-12",
              "#id_employer": "Ministère de la Santé", "#id_payroll_number": "PPR-5521",
              "#id_took_office_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
              "#id_iban": moroccan_iban_from_rib(f"{777001:024d}"), "#id_phone": "0612345678",
              "#id_email": "salma@example.ma"}
    for selector, value in values.items():
        page.fill(selector, value)
    page.select_option("#id_sex", "F")
    page.select_option("#id_home_unit", str(sefrou.pk))
    for field in ("cin_scan", "work_scan", "bank_scan"):
        page.set_input_files(f"#id_{field}", _scan(tmp_path, f"{field}.pdf"))
    shot(page, "membership-online", lang, "01-form")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    app = MembershipApplication.objects.get(cin=cin)
    assert app.tracking_code_display in main_text(page) and app.status == "submitted"
    shot(page, "membership-online", lang, "02-tracking-code")

    desk = new_page(lang)
    login(desk, "agent.sefrou")
    desk.goto("/desk/memberships/")
    desk.locator(f"a:has-text('{app.tracking_code_display}')").click()
    assert_page_language(desk, lang)
    shot(desk, "membership-online", lang, "03-desk")
    desk.locator("button[name=decision][value=approve]").click()
    desk.wait_for_load_state()

    app.refresh_from_db()
    member = Member.objects.get(cin=cin)
    assert (app.status, app.member, app.covered_from) == ("approved", member, timezone.localdate() - timedelta(days=30))
    assert member.membership_number in main_text(desk)
    shot(desk, "membership-online", lang, "04-approved")


@pytest.mark.worker
@pytest.mark.parametrize("lang", LANGS)
def test_the_heirs_file_the_death_allowance_at_taounate_and_each_heir_is_paid(lang, seeded, new_page, tmp_path,
                                                                               celery_worker):
    member = Member.objects.get(cin="RT100001")  # the demo retiree, covered as a retiree
    died = timezone.localdate() - timedelta(days=12)
    page = new_page(lang)
    login(page, "agent.taounate")
    page.goto(f"/desk/provident/new/?member={member.pk}")
    assert_page_language(page, lang)
    page.select_option("#id_benefit", "MEMBER_DEATH")
    page.fill("#id_event_date", died.isoformat())
    page.set_input_files("#id_main_document", _scan(tmp_path, "deces.pdf"))
    page.set_input_files("#id_heirs_certificate", _scan(tmp_path, "heredite.pdf"))
    page.fill("#id_contact_name", "Latifa Mansouri")
    page.fill("#id_contact_phone", "0661000002")
    heirs = [("Latifa", "spouse", "1/8"), ("Sara", "daughter", "7/16"), ("Anas", "son", "7/16")]
    for index, (first, relation, share) in enumerate(heirs):
        prefix = f"#id_heirs-{index}-"
        page.fill(prefix + "first_name", first)
        page.fill(prefix + "last_name", "Mansouri")
        page.fill(prefix + "cin", f"HM{index + 1}{'1' if lang == 'ar' else '2'}000")
        page.select_option(prefix + "relation", relation)
        page.fill(prefix + "iban", moroccan_iban_from_rib(f"{880000 + index:024d}"))
        page.fill(prefix + "share", share)
        page.set_input_files(prefix + "cin_scan", _scan(tmp_path, f"cin{index}.pdf"))
        page.set_input_files(prefix + "bank_scan", _scan(tmp_path, f"rib{index}.pdf"))
    shot(page, "death-allowance", lang, "01-desk-form")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/desk/provident/*/")
    request = ProvidentRequest.objects.get(member=member, benefit="MEMBER_DEATH")

    wait_for(lambda: ProvidentRequest.objects.get(pk=request.pk).status == "in_review", what="the provident worker")
    review = new_page(lang)
    login(review, "liquidator")
    review.goto(f"/review/provident/{request.pk}/")
    assert_page_language(review, lang)
    shot(review, "death-allowance", lang, "02-review")
    review.locator("button[name=decision][value=approve]").click()
    review.wait_for_load_state()
    assert ProvidentRequest.objects.get(pk=request.pk).status == "liquidated"

    periodic_payment_batch.delay()
    wait_for(lambda: Transfer.objects.filter(payee_kind="heir").count() == 3, what="the payment batch")
    amounts = sorted(Transfer.objects.filter(payee_kind="heir").values_list("amount", flat=True))
    assert amounts == [Decimal("1875.00"), Decimal("6562.50"), Decimal("6562.50")]
    page.goto(f"/desk/provident/{request.pk}/")
    text = main_text(page)
    assert all(t.reference in text for t in Transfer.objects.filter(payee_kind="heir"))
    shot(page, "death-allowance", lang, "03-paid")
