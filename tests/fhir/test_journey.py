"""The whole path of a stay under convention, through the real parts: a CHU asks for a prior agreement (FHIR and
portal), a liquidator grants it from the queue, the CHU invoices a 3-day stay by FHIR Claim, the real worker
liquidates it, ClaimResponse gives the rule book's amounts (docs/liquidation.md example 8), the provider is paid once
in a batch, and the member's own later file for the same stay is rejected DUPLICATE."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import AgreementStatus, ClaimFile, ClaimLine, PriorAgreement, Transfer
from claims.services.intake import LineData, claim_register_at_desk
from tests.claims.factories import upload
from tests.partners import builders as b
from tests.units.factories import ServiceUnitFactory
from tests.units.factories import staff as unit_staff
from tests.worker import wait_for
from units.models import StaffRole

from .helpers import adjudication, get, post, validated


def _status(claim_id: int) -> str:
    return ClaimFile.objects.values_list("status", flat=True).get(pk=claim_id)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_stay_under_convention_from_agreement_to_payment_and_the_members_duplicate(celery_worker, settings):
    c = b.cast()
    c.member.user.email = "member@example.ma"
    c.member.user.save()
    c.chu_user.email = "admissions@chu-fes.ma"
    c.chu_user.save()
    today = timezone.localdate()
    start, end = today - timedelta(days=4), today - timedelta(days=2)

    # The CHU asks by FHIR (and once more through the portal): both are queued, the decision due in 48 hours.
    answer = post(c.chu_token, "/fhir/r4/Claim", b.preauthorization(c.patient, start=start, end=end))
    assert answer.status_code == 201
    queued = validated(answer)
    assert (queued.outcome, queued.use) == ("queued", "preauthorization")
    reference = queued.preAuthRef
    portal = Client()
    portal.force_login(c.chu_user)
    asked = portal.post(reverse("partners:agreement_new"), {
        "membership_number": c.member.membership_number, "birth_date": c.patient.birth_date.isoformat(),
        "act_code": "HOSP", "planned_from": start.isoformat(), "planned_to": end.isoformat(), "quantity": 3,
        "estimated_amount": "2100.00", "documents": upload("report.pdf")})
    assert asked.status_code == 302
    assert PriorAgreement.objects.filter(provider_request__provider=c.chu, status="requested").count() == 2

    # A liquidator sees both in the queue, due first at the top, and grants the FHIR one.
    liquidator = unit_staff(ServiceUnitFactory(code="fes"), StaffRole.LIQUIDATOR)
    desk = Client()
    desk.force_login(liquidator)
    page = desk.get(reverse("claims:agreement_list"))
    assert [a.reference for a in page.context["queue"]][0] == reference
    agreement = PriorAgreement.objects.get(reference=reference)
    assert desk.post(reverse("claims:agreement_decide", args=[agreement.pk]), {"decision": "grant"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.GRANTED
    decided = validated(get(c.chu_token, "/fhir/r4/ClaimResponse", request=f"Claim/{reference}")).entry[0].resource
    assert decided.outcome == "complete" and decided.preAuthPeriod.start.isoformat() == start.isoformat()
    told = {message.to[0] for message in mail.outbox if reference in message.body}
    assert {"member@example.ma", "admissions@chu-fes.ma"} <= told or _noticed(c, reference)

    # The CHU invoices the 3-day stay: HOSP × 3, 2,100.00 MAD, public sector, under the agreement.
    stay = [b.item("HOSP", amount="2100.00", quantity=3, day=start)]
    answer = post(c.chu_token, "/fhir/r4/Claim", b.invoice(c.patient, agreement=reference, items=stay))
    assert answer.status_code == 201
    first = validated(answer)
    assert first.outcome == "queued"
    tracking = first.request.reference.split("/", 1)[1]
    claim = ClaimFile.objects.get(tracking_code=tracking)

    wait_for(lambda: _status(claim.pk) == "liquidated", what="the worker to liquidate the invoice")
    bundle = validated(get(c.chu_token, "/fhir/r4/ClaimResponse", request=f"Claim/{tracking}"))
    response = bundle.entry[0].resource
    assert response.outcome == "complete"
    item = response.item[0]
    assert adjudication(item, "submitted").amount.value == D("2100.00")
    assert adjudication(item, "eligible").amount.value == D("2100.00")  # min(2,100.00, 3 × 800.00)
    assert adjudication(item, "benefit").amount.value == D("2100.00")  # AMO 100 % public, complementary 0
    assert adjudication(item, "copay").amount.value == D("0.00")
    assert adjudication(item, "benefit").reason is None

    # The same invoice sent again is the same invoice: nothing new stored, the same answer.
    again = post(c.chu_token, "/fhir/r4/Claim", b.invoice(c.patient, agreement=reference, items=stay))
    assert again.status_code == 200 and ClaimFile.objects.filter(channel="provider").count() == 1

    # Paid to the provider in a batch, once.
    from claims.services.payments import payment_batch_create

    batch = payment_batch_create()
    transfer = Transfer.objects.get(batch=batch, payee_kind="provider")
    assert (transfer.payee_key, transfer.amount, transfer.iban) == (str(c.chu.pk), D("2100.00"), c.chu.iban)
    assert not Transfer.objects.filter(batch=batch, payee_kind="member").exists()
    assert payment_batch_create() is None

    # The member files the same stay afterwards at a desk: the worker rejects it as a duplicate.
    unit = ServiceUnitFactory(code="sefrou-dup")
    agent = unit_staff(unit, StaffRole.FRONT_DESK)
    later = claim_register_at_desk(member=c.member, beneficiary=c.patient, unit=unit, by=agent, received_on=today,
                                   lines=[LineData("HOSP", start, 3, D("2100.00"), prior_agreement_ref=reference)])
    wait_for(lambda: _status(later.pk) in ("rejected", "liquidated"), what="the worker to price the member's file")
    line = ClaimLine.objects.get(claim=later)
    assert (_status(later.pk), line.accepted, line.reason_codes) == ("rejected", False, ["DUPLICATE"])


def _noticed(c, reference: str) -> bool:
    """With the notification centre installed, the decision is a notice for both readers instead of a mail."""
    from django.apps import apps

    if not apps.is_installed("notices"):
        return False
    from notices.models import Notice

    readers = set(Notice.objects.filter(params__reference=reference).values_list("user_id", flat=True))
    return {c.member.user_id, c.chu_user.pk} <= readers
