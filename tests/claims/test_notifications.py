"""Members hear about their files by email, in their language, and by SMS: once per status change."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from claims.models import ClaimStatus, StatusChange
from claims.notifications import notify_claim_status
from claims.status import claim_set_status
from tests.factories import MemberFactory, UserFactory

from .factories import ClaimFileFactory, reference


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language, whatever catalogues are compiled."""
    with translation.override("en"):
        yield

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
    return MemberFactory(user=UserFactory(language="fr"), email="amina@example.ma", phone="+212600000001")


def test_the_member_gets_an_email_and_an_sms_when_the_file_is_received(member, sms):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT, received_on=date(2026, 11, 20))
    claim_set_status(claim=claim, to_status="received")
    assert notify_claim_status(claim_id=claim.pk) is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.ma"]
    assert claim.tracking_code_display in message.subject
    assert claim.tracking_code_display in message.body
    assert sms == [("+212600000001", sms[0][1])] and claim.tracking_code_display in sms[0][1]


def test_a_status_change_is_announced_only_once(member, sms):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT)
    change = claim_set_status(claim=claim, to_status="received")
    assert notify_claim_status(claim_id=claim.pk, status_change_id=change.pk) is True
    assert notify_claim_status(claim_id=claim.pk, status_change_id=change.pk) is False
    assert len(mail.outbox) == 1 and len(sms) == 1
    assert StatusChange.objects.get(pk=change.pk).notified_at is not None


def test_the_incomplete_email_lists_the_missing_documents(member, sms):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.RECEIVED, missing_documents="Ordonnance originale")
    claim_set_status(claim=claim, to_status="incomplete", reason="Ordonnance originale")
    notify_claim_status(claim_id=claim.pk)
    assert "Ordonnance originale" in mail.outbox[0].body


def test_the_liquidation_email_gives_the_amount(member, sms):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.LIQUIDATING, total_reimbursed=Decimal("72.00"))
    claim_set_status(claim=claim, to_status="liquidated")
    notify_claim_status(claim_id=claim.pk)
    assert "72" in mail.outbox[0].body


@pytest.mark.parametrize(("language", "written"), [("fr", "20/11/2026"), ("en", "11/20/2026"), ("", "20/11/2026")])
def test_the_email_is_written_in_the_members_language_french_by_default(db, sms, language, written):
    reference()
    someone = MemberFactory(user=UserFactory(language=language), email="a@example.ma")
    claim = ClaimFileFactory(member=someone, status=ClaimStatus.DRAFT, received_on=date(2026, 11, 20))
    claim_set_status(claim=claim, to_status="received")
    notify_claim_status(claim_id=claim.pk)
    assert written in mail.outbox[0].body


def test_an_arabic_reading_member_gets_an_email_too(db, sms):
    reference()
    someone = MemberFactory(user=UserFactory(language="ar"), email="a@example.ma")
    claim = ClaimFileFactory(member=someone, status=ClaimStatus.LIQUIDATED)
    claim_set_status(claim=claim, to_status="paid")
    assert notify_claim_status(claim_id=claim.pk) is True
    assert claim.tracking_code_display in mail.outbox[0].subject


def test_moving_to_liquidating_sends_nothing(member, sms):
    claim = ClaimFileFactory(member=member, status=ClaimStatus.RECEIVED)
    claim_set_status(claim=claim, to_status="liquidating")
    assert notify_claim_status(claim_id=claim.pk) is False
    assert mail.outbox == [] and sms == []


def test_the_status_move_queues_the_notification_on_commit_unless_told_not_to(
        member, monkeypatch, django_capture_on_commit_callbacks):
    from claims import notifications

    queued: list[int] = []
    monkeypatch.setattr(notifications.notify_status_change, "delay", queued.append)
    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        change = claim_set_status(claim=claim, to_status="received")
        claim_set_status(claim=claim, to_status="incomplete", notify=False)
        claim_set_status(claim=claim, to_status="received")  # back from incomplete: told again
    assert queued[0] == change.pk and len(queued) == 2


def test_the_task_delivers_through_the_real_worker_path(member, sms):
    from claims.notifications import notify_status_change

    claim = ClaimFileFactory(member=member, status=ClaimStatus.DRAFT)
    change = claim_set_status(claim=claim, to_status="received")
    assert notify_status_change.apply(args=[change.pk]).get() is True
    assert len(mail.outbox) == 1
