"""Denture lab orders move impression → try-in → delivered; delivery creates the PAD claim file."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimFile
from tests.factories import MemberFactory, SisterMutualFactory
from units import services
from units.models import LabStage

from .factories import LabOrderFactory


@pytest.fixture
def order(taounate, ours_reference):
    return LabOrderFactory(unit=taounate)


def test_an_order_goes_through_its_stages_with_their_dates(order, agent_taounate):
    today = timezone.localdate()
    services.lab_order_advance(lab_order=order, by=agent_taounate, on=today - timedelta(days=5))
    order.refresh_from_db()
    assert (order.stage, order.try_in_on, order.claim) == (LabStage.TRY_IN, today - timedelta(days=5), None)
    services.lab_order_advance(lab_order=order, by=agent_taounate, on=today)
    order.refresh_from_db()
    assert (order.stage, order.delivered_on) == (LabStage.DELIVERED, today)
    assert [h.stage for h in order.history.order_by("history_date")] == ["impression", "try_in", "delivered"]


def test_delivery_creates_a_received_pad_claim_for_the_beneficiary(order, agent_taounate):
    services.lab_order_advance(lab_order=order, by=agent_taounate)
    services.lab_order_advance(lab_order=order, by=agent_taounate)
    order.refresh_from_db()
    claim = ClaimFile.objects.get(pk=order.claim_id)
    line = claim.lines.get()
    assert (claim.status, claim.beneficiary, claim.member, claim.unit, claim.channel, claim.received_on) == (
        "received", order.beneficiary, order.member, order.unit, "front_desk", timezone.localdate())
    assert (line.act_id, line.quantity, line.billed_amount, line.care_date) == (
        "PAD", 1, Decimal("4500.00"), timezone.localdate())
    assert claim.status_changes.filter(to_status="received", changed_by=agent_taounate).exists()


def test_the_claim_carries_the_prior_agreement_reference(taounate, ours_reference, agent_taounate):
    from claims.models import Act, PriorAgreement

    order = LabOrderFactory(unit=taounate)
    agreement = PriorAgreement.objects.create(
        reference="PEC-2026-001", beneficiary=order.beneficiary, status="granted",
        valid_from=timezone.localdate() - timedelta(days=60), valid_to=timezone.localdate() + timedelta(days=60))
    agreement.acts.set([Act.objects.get(code="PAD")])
    order.prior_agreement = agreement
    order.save()
    services.lab_order_advance(lab_order=order, by=agent_taounate)
    order = services.lab_order_advance(lab_order=order, by=agent_taounate)
    assert order.claim.lines.get().prior_agreement_ref == "PEC-2026-001"


def test_a_delivered_order_cannot_move_further_nor_create_a_second_claim(order, agent_taounate):
    services.lab_order_advance(lab_order=order, by=agent_taounate)
    services.lab_order_advance(lab_order=order, by=agent_taounate)
    with pytest.raises(services.LabOrderError):
        services.lab_order_advance(lab_order=order, by=agent_taounate)
    assert ClaimFile.objects.filter(beneficiary=order.beneficiary).count() == 1


def test_a_stage_cannot_be_dated_before_the_previous_one(order, agent_taounate):
    with pytest.raises(services.LabOrderError):
        services.lab_order_advance(lab_order=order, by=agent_taounate, on=order.impression_on - timedelta(days=1))
    order.refresh_from_db()
    assert order.stage == LabStage.IMPRESSION


def test_a_sister_mutual_members_denture_file_is_forwarded(taounate, ours_reference, agent_taounate):
    sister = MemberFactory(mutual=SisterMutualFactory())
    order = LabOrderFactory(unit=taounate, beneficiary=sister.beneficiaries.get())
    services.lab_order_advance(lab_order=order, by=agent_taounate)
    order = services.lab_order_advance(lab_order=order, by=agent_taounate)
    assert order.claim.status == "forwarded"


def test_the_agent_opens_an_order_from_the_desk_and_records_the_stages(client, taounate, ours_reference,
                                                                       agent_taounate):
    member = MemberFactory()
    client.force_login(agent_taounate)
    response = client.post(reverse("units:lab_order_new") + "?unit=taounate", {
        "member": member.pk, "beneficiary": member.beneficiaries.get().pk, "practitioner_name": "Karim Saadi",
        "price": "3800.00", "impression_on": timezone.localdate().isoformat()})
    order = member.lab_orders.get()
    assert response.status_code == 302
    for _stage in ("try_in", "delivered"):
        client.post(reverse("units:lab_order_advance", args=[order.pk]), {"on": timezone.localdate().isoformat()})
    order.refresh_from_db()
    assert order.stage == "delivered" and order.claim.lines.get().billed_amount == Decimal("3800.00")


def test_the_member_sees_the_stage_of_his_denture_and_not_anothers(client, member, taounate, ours_reference):
    LabOrderFactory(unit=taounate, beneficiary=member.beneficiaries.get(), stage="try_in",
                    try_in_on=timezone.localdate(), practitioner_name="Prothésiste Mine")
    LabOrderFactory(unit=taounate, practitioner_name="Prothésiste Other")
    client.force_login(member.user)
    page = client.get(reverse("units:my_lab_orders")).content.decode()
    assert "Prothésiste Mine" in page and "Prothésiste Other" not in page
    assert "Try-in" in page
