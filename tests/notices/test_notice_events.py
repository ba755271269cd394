"""Every event the issue lists reaches the member's notification centre, as e-mail/SMS do: a prior agreement
requested and decided, an appointment booked and cancelled at the desk, a bank account requested, validated or
refused, a contact detail changed. A bank-detail event is e-mailed once (its security message to the old and new
contacts), never a second time by the notice."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from claims.services.agreements import prior_agreement_refuse, prior_agreement_request
from members.change_requests import change_request_approve, change_request_create, iban_change_request
from members.models import ChangeField
from notices import messages
from notices.messages import notice_text
from notices.models import Notice
from outbox.models import OutboxMessage
from tests.claims.factories import reference
from tests.factories import BeneficiaryFactory, MemberFactory, StaffUserFactory, UserFactory
from tests.units.conftest import agent_taounate, taounate  # noqa: F401 - fixtures
from tests.units.factories import SlotFactory
from units import services as units_services

NEW_IBAN = "MA64011519000001205000534921"


@pytest.fixture
def member(db):
    reference()
    return MemberFactory(user=UserFactory(language="ar"), email="amina@example.ma", phone="+212600000001", sex="F")


def _codes(member) -> list[str]:
    return list(Notice.objects.filter(user=member.user).order_by("id").values_list("code", flat=True))


def _worded(notice: Notice, lang: str) -> str:
    with translation.override(lang):
        return notice_text(notice.code, notice.params)


def test_an_agreement_requested_then_refused(member):
    beneficiary = member.beneficiaries.get(relation="member")
    today = timezone.localdate()
    agreement = prior_agreement_request(beneficiary=beneficiary, act_codes=["PAD"], valid_from=today,
                                        valid_to=today + timedelta(days=30))
    prior_agreement_refuse(agreement=agreement, by=StaffUserFactory(), notes="Devis incomplet")
    assert _codes(member) == [messages.AGREEMENT_REQUESTED, messages.AGREEMENT_REFUSED]
    requested = Notice.objects.get(code=messages.AGREEMENT_REQUESTED)
    assert agreement.reference in _worded(requested, "fr") and agreement.reference in _worded(requested, "ar")
    assert requested.deliver is False and Notice.objects.get(code=messages.AGREEMENT_REFUSED).deliver is True


def test_an_appointment_booked_and_cancelled_at_the_desk(member, taounate, agent_taounate):  # noqa: F811
    slot = SlotFactory(unit=taounate, capacity=2)
    beneficiary = BeneficiaryFactory(member=member, relation="child")
    appointment = units_services.appointment_book(slot=slot, beneficiary=beneficiary, by=agent_taounate)
    units_services.appointment_cancel(appointment=appointment, by=agent_taounate)
    assert _codes(member) == [messages.APPOINTMENT_BOOKED, messages.APPOINTMENT_CANCELLED]
    booked = Notice.objects.get(code=messages.APPOINTMENT_BOOKED)
    assert taounate.name_ar in _worded(booked, "ar") and taounate.name_fr in _worded(booked, "fr")
    assert booked.link == "/me/appointments/"


def test_bank_details_requested_validated_once_each(member, django_capture_on_commit_callbacks):
    asked = StaffUserFactory()
    with django_capture_on_commit_callbacks():
        request = iban_change_request(member=member, iban=NEW_IBAN, by=asked)
        change_request_approve(change_request=request, by=StaffUserFactory())
    assert _codes(member) == [messages.IBAN_REQUESTED, messages.IBAN_VALIDATED]
    requested = Notice.objects.get(code=messages.IBAN_REQUESTED)
    assert requested.link == f"/me/changes/{request.pk}/"
    arabic = _worded(requested, "ar")
    assert NEW_IBAN[-4:] in arabic and NEW_IBAN[:10] not in arabic
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)
    # E-mail/SMS: the security message of each event, once; the notices are not sent a second time.
    assert OutboxMessage.objects.filter(task="members.tasks.send_member_notice").count() == 2
    assert not OutboxMessage.objects.filter(task="notices.tasks.notify_notice").exists()


def test_a_contact_change_reaches_the_centre(member):
    change_request_create(member=member, field=ChangeField.PHONE, new_value="+212611111111", by=member.user)
    assert _codes(member) == [messages.CONTACT_CHANGED]
    text = _worded(Notice.objects.get(user=member.user), "fr")
    assert "téléphone" in text.lower() and "—" not in text
