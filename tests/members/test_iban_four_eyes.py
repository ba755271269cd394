"""Four eyes on bank accounts: whoever asks for a new IBAN (the member, an agent, the API), it applies only once
a second staff account validates it; the member is told by e-mail and SMS at the old and the new contact; a
payment batch uses the account valid on its date."""

import pytest
from django.core import mail

from members import services
from members.identifiers import moroccan_iban_from_rib
from members.models import ChangeRequest, Member
from tests.api.conftest import client_for
from tests.factories import MemberFactory, StaffUserFactory, UserFactory
from units.models import ServiceUnit, StaffRole
from units.services_staff import staff_assign

pytestmark = pytest.mark.django_db

NEW_IBAN = moroccan_iban_from_rib("011780000012345678901234")


def _staff(username: str, role: str = StaffRole.FRONT_DESK):
    unit, _ = ServiceUnit.objects.get_or_create(code="taounate", defaults={
        "name_fr": "Taounate", "name_ar": "تاونات", "city": "Taounate", "region": "Fès-Meknès"})
    user = StaffUserFactory(username=username)
    staff_assign(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def member():
    return MemberFactory(user=UserFactory(language="fr"), email="amina@example.ma", phone="+212612345678")


def test_an_agents_iban_patch_is_pending_until_a_second_staff_account_validates_it(member, monkeypatch,
                                                                                 django_capture_on_commit_callbacks):
    from celery import current_app

    current_app.loader.import_default_modules()
    sent = []
    task = current_app.tasks["members.tasks.send_member_notice"]
    monkeypatch.setattr(task, "delay", lambda **kwargs: sent.append(kwargs) or task.run(**kwargs))
    agent, second = _staff("agent.one"), _staff("agent.two")
    before = member.iban

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(agent).patch(f"/api/v1/members/{member.pk}/", {"iban": NEW_IBAN}, format="json")
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.iban == before
    pending = ChangeRequest.objects.get(member=member, status="pending")
    assert (pending.requested_by, pending.new_value) == (agent, NEW_IBAN)
    assert sent and sent[0]["event"] == "iban_requested"
    assert [message.to for message in mail.outbox] == [["amina@example.ma"]]
    assert "MA" not in mail.outbox[0].body.replace("…", "")[:0] and NEW_IBAN[-4:] in mail.outbox[0].body

    refused = client_for(agent).post(f"/api/v1/change-requests/{pending.pk}/decide/", {"decision": "approve"},
                                     format="json")
    assert refused.status_code == 403
    member.refresh_from_db()
    assert member.iban == before

    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(second).post(f"/api/v1/change-requests/{pending.pk}/decide/",
                                           {"decision": "approve"}, format="json")
    assert approved.status_code == 200
    member.refresh_from_db()
    assert member.iban == NEW_IBAN
    assert member.history.first().history_user == second
    assert [kwargs["event"] for kwargs in sent] == ["iban_requested", "iban_applied"]


def test_the_service_refuses_the_requester_as_validator(member):
    agent = _staff("agent.one")
    services.member_update(by=agent, member=member, iban=NEW_IBAN)
    pending = ChangeRequest.objects.get(member=member, status="pending")
    assert not services.change_request_may_decide(change_request=pending, user=agent)
    with pytest.raises(services.FourEyesRefused):
        services.change_request_approve(change_request=pending, by=agent)
    assert list(services.change_requests_pending(user=agent)) == []
    assert list(services.change_requests_pending()) == [pending]


def test_a_members_own_request_is_validated_by_one_staff_account(member):
    pending = services.change_request_create(member=member, field="iban", new_value=NEW_IBAN, by=member.user)
    assert Member.objects.get(pk=member.pk).iban != NEW_IBAN
    services.change_request_approve(change_request=pending, by=_staff("agent.two"))
    assert Member.objects.get(pk=member.pk).iban == NEW_IBAN


def test_a_phone_change_is_told_at_the_old_and_the_new_number_in_the_members_language(
        member, monkeypatch, django_capture_on_commit_callbacks):
    from celery import current_app

    current_app.loader.import_default_modules()
    task = current_app.tasks["members.tasks.send_member_notice"]
    monkeypatch.setattr(task, "delay", lambda **kwargs: task.run(**kwargs))
    texts = []
    monkeypatch.setattr("members.sms.send_sms", lambda *, to, text: texts.append((to, text)) or True)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_create(member=member, field="phone", new_value="0698765432", by=member.user)
    assert sorted(to for to, _text in texts) == ["+212612345678", "+212698765432"]
    assert mail.outbox and "téléphone" in mail.outbox[0].body.lower()


def test_a_payment_batch_pays_the_validated_account_not_a_pending_one(member):
    from datetime import date
    from decimal import Decimal

    from claims.models import ClaimFile
    from claims.services.payments import payment_batch_create
    before = member.iban
    services.member_update(by=_staff("agent.one"), member=member, iban=NEW_IBAN)
    ClaimFile.objects.create(tracking_code="TESTCODE01", member=member, beneficiary=member.beneficiaries.get(),
                             channel="online", status="liquidated", received_on=date(2026, 1, 5),
                             total_reimbursed=Decimal("72.00"))
    batch = payment_batch_create()
    assert batch.transfers.get().iban == before
