"""The notification centre: events leave a notice worded in the reader's language when read; members mark them
read and choose e-mail and/or SMS; links in messages are built from SITE_URL."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from claims.models import AgreementStatus, ClaimStatus
from claims.notifications import notify_claim_status
from claims.services.agreements import prior_agreement_grant, prior_agreement_request
from claims.status import claim_set_status
from members.models import ChangeField, ChangeRequest
from members.services import change_request_reject
from notices import messages
from notices.messages import notice_text
from notices.models import Notice
from notices.services import delivery_choice_set, notice_create, notices_mark_read
from notices.tasks import notice_deliver
from tests.claims.factories import ClaimFileFactory, reference
from tests.factories import PASSWORD, MemberFactory, StaffUserFactory, UserFactory


@pytest.fixture
def sms(monkeypatch):
    sent: list[tuple[str, str]] = []

    class Recorder:
        def send(self, *, to: str, text: str) -> None:
            sent.append((to, text))

    monkeypatch.setattr("members.sms.sms_backend", lambda: Recorder())
    return sent


@pytest.fixture
def member(db):
    reference()
    return MemberFactory(user=UserFactory(language="ar"), email="amina@example.ma", phone="+212600000001")


def test_a_status_change_leaves_a_notice_worded_in_the_readers_language(member):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=date(2026, 11, 20))
    claim_set_status(claim=claim, to_status="received")
    notice = Notice.objects.get(user=member.user)
    assert notice.code == messages.CLAIM_STATUS
    assert notice.params == {"tracking": claim.tracking_code, "status": "received"}
    assert notice.link == reverse("claims:member_claim", args=[claim.pk])
    with translation.override("fr"):
        french = notice_text(notice.code, notice.params)
    with translation.override("ar"):
        arabic = notice_text(notice.code, notice.params)
    assert "Reçu" in french and claim.tracking_code_display in french
    assert "Received" not in arabic and claim.tracking_code_display in arabic
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)


def test_the_member_reads_notices_in_the_centre_and_marks_them_read(client, member):
    notice_create(user=member.user, code=messages.IBAN_VALIDATED, link="/me/profile/")
    notice_create(user=member.user, code=messages.CHANGE_REJECTED, params={"field": "phone"})
    client.force_login(member.user)
    page = client.get(reverse("notices:list"), HTTP_ACCEPT_LANGUAGE="fr")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="unread-count"' in body  # the menu shows the unread count
    assert body.count('data-code="') == 2
    one = Notice.objects.get(code=messages.IBAN_VALIDATED)
    assert client.post(reverse("notices:read"), {"notice": one.pk}).status_code == 302
    assert Notice.objects.filter(user=member.user, read_at__isnull=True).count() == 1
    client.post(reverse("notices:read"))
    assert not Notice.objects.filter(user=member.user, read_at__isnull=True).exists()
    assert 'data-testid="unread-count"' not in client.get(reverse("notices:list")).content.decode()


def test_a_member_cannot_mark_someone_elses_notice(member):
    other = UserFactory()
    theirs = notice_create(user=other, code=messages.IBAN_VALIDATED)
    assert notices_mark_read(user=member.user, ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_delivery_follows_the_members_choice_and_links_use_site_url(member, sms, settings):
    settings.SITE_URL = "https://portail.mutuelle.ma"
    delivery_choice_set(user=member.user, email=False, sms=True)
    notice = notice_create(user=member.user, code=messages.IBAN_VALIDATED, link="/me/profile/", deliver=True)
    assert notice_deliver(notice.pk) is True
    assert notice_deliver(notice.pk) is False  # sent once
    assert mail.outbox == []
    assert len(sms) == 1 and "https://portail.mutuelle.ma/me/profile/" in sms[0][1]
    assert any("\u0600" <= ch <= "\u06ff" for ch in sms[0][1])  # in the member's language (Arabic)


def test_claim_status_mails_respect_the_choice(member, sms):
    delivery_choice_set(user=member.user, email=True, sms=False)
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT)
    claim_set_status(claim=claim, to_status="received")
    assert notify_claim_status(claim_id=claim.pk) is True
    assert len(mail.outbox) == 1 and sms == []


def test_the_choice_is_saved_from_the_page(client, member):
    client.force_login(member.user)
    client.post(reverse("notices:delivery"), {"sms": "on"})
    assert member.user.delivery_choice.email is False and member.user.delivery_choice.sms is True


def test_agreement_decision_and_bank_detail_refusal_leave_notices(member, sms):
    staff = StaffUserFactory()
    beneficiary = member.beneficiaries.first() or member.beneficiaries.create(
        relation="member", first_name=member.first_name, last_name=member.last_name,
        birth_date=member.birth_date, sex=member.sex)
    today = timezone.localdate()
    agreement = prior_agreement_request(beneficiary=beneficiary, act_codes=["PAD"], valid_from=today,
                                        valid_to=today + timedelta(days=90))
    prior_agreement_grant(agreement=agreement, by=staff)
    assert agreement.status == AgreementStatus.GRANTED
    change = ChangeRequest.objects.create(member=member, field=ChangeField.IBAN,
                                          new_value="MA64011519000001205000534921", requested_by=member.user)
    change_request_reject(change_request=change, by=staff, note="RIB illisible")
    codes = list(Notice.objects.filter(user=member.user).values_list("code", flat=True))
    assert messages.AGREEMENT_GRANTED in codes and messages.IBAN_REFUSED in codes
    with translation.override("fr"):
        text = notice_text(messages.AGREEMENT_GRANTED, Notice.objects.get(code=messages.AGREEMENT_GRANTED).params)
    assert agreement.reference in text and today.strftime("%Y") in text


def test_unknown_code_or_missing_parameter_never_fails():
    with translation.override("en"):
        assert notice_text("no.such.code", {}) == "You have a new notice."
        assert "—" in notice_text(messages.APPOINTMENT_BOOKED, {})


def test_pages_need_a_signed_in_account(client, db):
    assert client.get(reverse("notices:list")).status_code == 302
    assert PASSWORD
