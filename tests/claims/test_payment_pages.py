"""The liquidator's payment pages: a batch created now, its detail (transfers, files, members waiting for an
IBAN), the confirmation step listing what becomes paid, then paid."""

from datetime import date

import pytest
from django.urls import reverse

from claims.models import BatchStatus, ClaimStatus, PaymentBatch
from claims.services.liquidation import claim_liquidate
from tests.factories import MemberFactory
from tests.units.factories import ServiceUnitFactory
from tests.units.factories import staff as unit_staff
from units.models import StaffRole

from . import liquidation_builders as b

IBAN = "MA64011519000001205000534921"


def _liquidated(member, billed="100.00"):
    claim = b.received_file(b.self_of(member), [b.consultation(day=date(2025, 3, 10), billed=billed)])
    claim_liquidate(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def liquidator(db):
    b.reference()
    return unit_staff(ServiceUnitFactory(code="taounate"), StaffRole.LIQUIDATOR, username="liq.pay", language="en")


def test_a_liquidator_creates_a_batch_now_checks_it_and_confirms_it_to_paid(client, liquidator):
    paid_member = MemberFactory(iban=IBAN, last_name="Payee")
    waiting_member = MemberFactory(iban="", last_name="Sansrib")
    claim = _liquidated(paid_member)
    _liquidated(waiting_member)
    assert claim.status == ClaimStatus.LIQUIDATED
    client.force_login(liquidator)
    created = client.post(reverse("claims:payment_create"))
    batch = PaymentBatch.objects.get()
    assert created["Location"] == reverse("claims:payment_detail", args=[batch.pk])
    detail = client.get(reverse("claims:payment_detail", args=[batch.pk])).content.decode()
    assert claim.tracking_code in detail and IBAN in detail and "Sansrib" in detail
    client.get(reverse("claims:payment_export", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    check = client.get(reverse("claims:payment_confirm_step", args=[batch.pk])).content.decode()
    assert claim.tracking_code in check and reverse("claims:payment_confirm", args=[batch.pk]) in check
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.LIQUIDATED  # the check page changes nothing
    done = client.post(reverse("claims:payment_confirm", args=[batch.pk]))
    assert done["Location"] == reverse("claims:payment_detail", args=[batch.pk])
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID


def test_creating_a_batch_with_nothing_to_pay_says_so(client, liquidator):
    client.force_login(liquidator)
    response = client.post(reverse("claims:payment_create"), follow=True)
    assert "Nothing to pay" in response.content.decode() and not PaymentBatch.objects.exists()


def test_the_review_page_shows_quantity_provider_and_scans(client, liquidator):
    from tests.claims.factories import ClaimFileFactory, ClaimLineFactory
    from tests.security.test_access_matrix import World

    claim = ClaimFileFactory(status=ClaimStatus.IN_REVIEW, provider_name="Clinique Atlas")
    ClaimLineFactory(claim=claim, position=1, quantity=3)
    scan = World._scan(claim)
    client.force_login(liquidator)
    page = client.get(reverse("claims:review_detail", args=[claim.pk])).content.decode()
    assert "Clinique Atlas" in page and reverse("claims:attachment", args=[scan.pk]) in page
    assert '<td class="text-end">3</td>' in page
