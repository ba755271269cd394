"""Decided files are immutable: a paid file's lines and totals are read-only in the admin and the API; a
correction is a dated, reasoned regularisation by a liquidator, paid or recovered in the next batch."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims.models import ClaimFile, ClaimLine, Regularisation
from claims.services.liquidation import claim_liquidate
from claims.services.payments import payment_batch_create
from claims.services.regularisation import regularisation_create
from tests.api.conftest import client_for
from units.models import StaffRole

from . import liquidation_builders as b
from .factories import staff, unit

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def paid():
    b.reference()
    claim = b.received_file(b.self_of(b.member()), [b.consultation()])
    assert claim_liquidate(claim_id=claim.pk) == "liquidated"
    ClaimFile.objects.filter(pk=claim.pk).update(status="paid")
    return ClaimFile.objects.get(pk=claim.pk)


def test_an_admin_edit_of_a_paid_files_line_is_refused_and_changes_nothing(paid, admin_client):
    line = paid.lines.get()
    page = admin_client.get(f"/admin/claims/claimline/{line.pk}/change/")
    assert page.status_code == 200 and b'name="billed_amount"' not in page.content
    admin_client.post(f"/admin/claims/claimline/{line.pk}/change/", {
        "claim": paid.pk, "position": 1, "act": "C", "care_date": "2025-03-10", "quantity": 1,
        "billed_amount": "999.00", "amo_amount": "999.00", "prior_agreement_ref": ""})
    line.refresh_from_db()
    assert (line.billed_amount, line.amo_amount) == (D("100.00"), D("64.00"))

    file_page = admin_client.get(f"/admin/claims/claimfile/{paid.pk}/change/")
    assert file_page.status_code == 200
    assert b'name="lines-0-billed_amount"' not in file_page.content
    assert b'name="member"' not in file_page.content
    assert admin_client.post(f"/admin/claims/claimline/{line.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ClaimLine.objects.filter(pk=line.pk).exists()


def test_an_api_edit_of_a_paid_file_is_refused(paid):
    liquidator = staff(unit(), role=StaffRole.LIQUIDATOR)
    client = client_for(liquidator)
    for method in (client.patch, client.put):
        response = method(f"/api/v1/files/{paid.pk}/", {"total_reimbursed": "999.00"}, format="json")
        assert response.status_code in (403, 405)
    assert ClaimFile.objects.get(pk=paid.pk).total_reimbursed == D("72.00")


def test_a_liquidator_regularises_a_paid_file_and_the_next_batch_pays_it(paid):
    liquidator = staff(unit(), role=StaffRole.LIQUIDATOR)
    with pytest.raises(ValidationError):
        regularisation_create(claim=paid, by=liquidator, amount=D("10.00"), reason="  ")
    with pytest.raises(PermissionDenied):
        regularisation_create(claim=paid, by=staff(unit()), amount=D("10.00"), reason="tariff error")
    with pytest.raises(ValidationError):
        regularisation_create(claim=paid, by=liquidator, amount=D("-80.00"), reason="recover more than paid")

    correction = regularisation_create(claim=paid, by=liquidator, amount=D("8.00"), reason="2025 tariff misread",
                                       on=date(2026, 2, 1))
    paid.refresh_from_db()
    assert (paid.status, paid.total_reimbursed) == ("paid", D("72.00"))  # the decision stays as decided
    assert correction.history.get().history_user == liquidator

    batch = payment_batch_create()
    transfer = batch.transfers.get()
    assert transfer.amount == D("8.00") and transfer.member_id == paid.member_id
    assert Regularisation.objects.get(pk=correction.pk).transfer == transfer
    assert payment_batch_create() is None  # never twice


def test_a_recovery_is_taken_from_the_members_next_payment(paid):
    liquidator = staff(unit(), role=StaffRole.LIQUIDATOR)
    regularisation_create(claim=paid, by=liquidator, amount=D("-20.00"), reason="duplicate invoice")
    assert payment_batch_create() is None  # nothing owed to the member yet: the recovery waits

    later = b.received_file(paid.beneficiary, [b.consultation(day=date(2025, 3, 12))], received_on=date(2025, 3, 25))
    assert claim_liquidate(claim_id=later.pk) == "liquidated"
    batch = payment_batch_create()
    assert batch.transfers.get().amount == D("52.00")


def test_a_liquidator_regularises_through_the_api_and_an_agent_cannot(paid):
    liquidator = staff(unit(), role=StaffRole.LIQUIDATOR)
    agent = staff(unit())
    body = {"amount": "-12.00", "reason": "duplicate invoice found at audit"}
    assert client_for(agent).post(f"/api/v1/files/{paid.pk}/regularisations/", body, format="json").status_code \
        in (403, 404)
    response = client_for(liquidator).post(f"/api/v1/files/{paid.pk}/regularisations/", body, format="json")
    assert response.status_code == 201, response.content
    assert Regularisation.objects.get(claim=paid).amount == D("-12.00")
