"""A broker outage delays work but never fails a request nor loses it: the transactional outbox."""

from datetime import timedelta
from decimal import Decimal

import pytest

from claims.models import ClaimFile, StatusChange
from claims.services import intake
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from tests.api.conftest import client_for
from tests.factories import MemberFactory, UserFactory
from tests.worker import wait_for

from .factories import reference, upload


def _draft(member):
    claim = intake.claim_draft_create(member=member, beneficiary=member.beneficiaries.get(), by=member.user)
    intake.claim_line_add(claim=claim, line=intake.LineData("C", intake.today() - timedelta(days=2), 1,
                                                            Decimal("100.00")))
    intake.attachment_add(claim=claim, upload=upload(), kind="care_sheet", by=member.user)
    return claim


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_submission_succeeds_and_goes_through_when_the_broker_returns(
        own_broker, celery_worker_factory):
    reference()
    member = MemberFactory(user=UserFactory(), email="amina@example.ma")
    claim = _draft(member)
    own_broker.stop()

    response = client_for(member.user).post(f"/api/v1/me/files/{claim.pk}/submit/")

    assert response.status_code == 200, response.content
    assert ClaimFile.objects.get(pk=claim.pk).status == "received"
    waiting = OutboxMessage.objects.filter(published_at__isnull=True).order_by("id")
    assert [m.task for m in waiting] == ["claims.tasks.notify_claim_status", "claims.tasks.liquidate_claim"]
    assert all(m.attempts == 1 and m.last_error for m in waiting)
    assert outbox_relay(older_than=timedelta(0)) == 0  # still down: the relay keeps them

    own_broker.start()
    celery_worker_factory()
    assert outbox_relay(older_than=timedelta(0)) == 2

    wait_for(lambda: ClaimFile.objects.get(pk=claim.pk).status == "liquidated", what="the file to be liquidated")
    received = StatusChange.objects.get(claim=claim, to_status="received")
    wait_for(lambda: StatusChange.objects.filter(pk=received.pk, notified_at__isnull=False).exists(),
             what="the 'received' notification to be sent")
    assert not OutboxMessage.objects.filter(task="claims.tasks.liquidate_claim", published_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_outbox_row_rolls_back_with_the_change_it_follows(monkeypatch):
    from django.db import transaction

    from outbox.services import outbox_enqueue

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(task="claims.tasks.liquidate_claim", args=[1])
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
