"""Liquidator pages: the review queue (approve, adjust with a reason), prior agreements, payment batches."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.models import AgreementStatus, ClaimFile, StatusChange
from claims.selectors_agreements import member_agreements
from claims.services.agreements import prior_agreement_request
from claims.services.liquidation import claim_liquidate
from claims.services.payments import payment_batch_create
from members.models import User
from units.models import ServiceUnit
from units.services_staff import staff_assign

from . import liquidation_builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(db, settings):
    settings.STAFF_OTP_REQUIRED = False
    b.reference()


def _staff(role: str) -> User:
    unit = ServiceUnit.objects.get_or_create(code="taounate", defaults={
        "name_fr": "Taounate", "name_ar": "تاونات", "city": "Taounate", "region": "Fès-Meknès"})[0]
    user = User.objects.create_user(f"{role}-user", password="x")
    staff_assign(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def liquidator(client):
    user = _staff("liquidator")
    client.force_login(user)
    return user


def _in_review() -> ClaimFile:
    claim = b.received_file(b.self_of(b.member()), [("MED", date(2025, 3, 10), 1, "8000.00"), b.consultation()])
    assert claim_liquidate(claim_id=claim.pk) == "in_review"
    claim.refresh_from_db()
    return claim


@pytest.mark.parametrize("files", [1, 8])
def test_the_review_queue_lists_files_in_review_in_a_fixed_number_of_queries(client, liquidator, files,
                                                                             django_assert_max_num_queries):
    claims = [_in_review() for _ in range(files)]
    with django_assert_max_num_queries(12):
        response = client.get(reverse("claims:review_list"))
    assert response.status_code == 200
    assert all(claim.tracking_code in response.content.decode() for claim in claims)


@pytest.mark.parametrize("role", ["front_desk", "unit_manager", None])
def test_only_liquidators_and_admins_reach_the_review_pages(client, role):
    claim = _in_review()
    user = _staff(role) if role else b.member().user or User.objects.create_user("plain", password="x")
    client.force_login(user)
    refusal = 403 if role else 404  # staff: refused by role, styled; anyone else finds nothing
    assert client.get(reverse("claims:review_list")).status_code == refusal
    assert client.post(reverse("claims:review_approve", args=[claim.pk])).status_code == refusal
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_a_liquidator_approves_a_file_and_the_decision_is_in_its_history(client, liquidator):
    claim = _in_review()
    page = client.get(reverse("claims:review_detail", args=[claim.pk])).content.decode()
    assert claim.tracking_code in page and "MED" in page and f'name="amo_{claim.lines.first().pk}"' in page

    response = client.post(reverse("claims:review_approve", args=[claim.pk]), {"reason": "Invoice checked"})

    assert response.status_code == 302
    claim.refresh_from_db()
    change = claim.status_changes.last()
    assert (claim.status, change.to_status, change.changed_by, change.reason) == (
        "liquidated", "liquidated", liquidator, "Invoice checked")


def test_a_liquidator_adjusts_a_line_with_a_reason_and_the_totals_follow(client, liquidator):
    claim = _in_review()
    med = claim.lines.get(act_id="MED")

    client.post(reverse("claims:review_adjust", args=[claim.pk]), {
        f"amo_{med.pk}": "4000.00", f"complementary_{med.pk}": "1000,00", "reason": "Partial invoice only"})

    claim.refresh_from_db()
    med.refresh_from_db()
    assert (med.amo_amount, med.complementary_amount, med.adjustment_reason) == (
        D("4000.00"), D("1000.00"), "Partial invoice only")
    assert claim.status == "liquidated" and claim.total_reimbursed == D("5072.00")
    assert "Partial invoice only" in claim.status_changes.last().reason


def test_an_adjustment_without_a_reason_changes_nothing(client, liquidator):
    claim = _in_review()
    med = claim.lines.get(act_id="MED")

    client.post(reverse("claims:review_adjust", args=[claim.pk]), {
        f"amo_{med.pk}": "1.00", f"complementary_{med.pk}": "1.00", "reason": "  "})

    claim.refresh_from_db()
    assert claim.status == "in_review" and claim.total_reimbursed == D("6872.00")


def test_staff_grant_and_refuse_prior_agreements_and_the_member_sees_them(client, liquidator):
    member = b.member()
    beneficiary = b.self_of(member)
    hosp = prior_agreement_request(beneficiary=beneficiary, act_codes=["HOSP"], valid_from=date(2025, 3, 1),
                                   valid_to=date(2025, 3, 31))
    pad = prior_agreement_request(beneficiary=beneficiary, act_codes=["PAD"], valid_from=date(2025, 3, 1),
                                  valid_to=date(2025, 6, 30))
    page = client.get(reverse("claims:agreement_list")).content.decode()
    assert hosp.reference in page and pad.reference in page

    client.post(reverse("claims:agreement_decide", args=[hosp.pk]), {"decision": "grant"})
    client.post(reverse("claims:agreement_decide", args=[pad.pk]), {"decision": "refuse", "notes": ""})
    client.post(reverse("claims:agreement_decide", args=[pad.pk]), {"decision": "refuse", "notes": "Not needed"})

    statuses = {row.agreement.reference: (row.agreement.status, row.agreement.notes)
                for row in member_agreements(member=member)}
    assert statuses == {hosp.reference: (AgreementStatus.GRANTED, ""), pad.reference: (AgreementStatus.REFUSED,
                                                                                       "Not needed")}
    claim = b.received_file(beneficiary, [("HOSP", date(2025, 3, 10), 1, "700.00")], sector="public")
    assert claim_liquidate(claim_id=claim.pk) == "liquidated"


def test_the_payments_page_exports_the_bank_file_and_confirms_the_batch(client, liquidator):
    claim = b.received_file(b.self_of(b.member()), [b.consultation()])
    claim_liquidate(claim_id=claim.pk)
    waiting = b.member(iban="")
    claim_liquidate(claim_id=b.received_file(b.self_of(waiting), [b.consultation()]).pk)
    batch = payment_batch_create()

    page = client.get(reverse("claims:payment_list")).content.decode()
    assert batch.reference in page and waiting.membership_number in page
    csv = client.get(reverse("claims:payment_export", args=[batch.pk]))
    assert csv["Content-Type"].startswith("text/csv") and b",72.00," in csv.content
    client.post(reverse("claims:payment_confirm", args=[batch.pk]))

    claim.refresh_from_db()
    assert claim.status == "paid"
    assert StatusChange.objects.filter(claim=claim, to_status="paid", changed_by=liquidator).exists()


def test_the_admin_lists_reference_data_and_batches(client, superuser):
    client.force_login(superuser)
    for name in ["act", "actversion", "category", "categoryrate", "ruleparameters", "paymentbatch", "paidfile"]:
        assert client.get(reverse(f"admin:claims_{name}_changelist")).status_code == 200, name


def test_the_review_queue_renders_right_to_left_in_arabic(client, liquidator):
    claim = _in_review()
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("claims:review_list"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page and claim.tracking_code in page
