"""Two submissions of the same draft racing in two database connections: exactly one receives the file."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from claims.models import ClaimFile, StatusChange
from claims.services import intake
from tests.factories import MemberFactory, UserFactory

from .factories import reference, upload


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_draft_receive_it_once(monkeypatch):
    from claims import notifications, tasks

    monkeypatch.setattr(tasks.liquidate_claim, "delay", lambda *args: None)
    monkeypatch.setattr(notifications.notify_status_change, "delay", lambda *args: None)
    reference()
    member = MemberFactory(user=UserFactory())
    claim = intake.claim_draft_create(member=member, beneficiary=member.beneficiaries.get(), by=member.user)
    intake.claim_line_add(claim=claim, line=intake.LineData("C", intake.today() - timedelta(days=1), 1,
                                                            Decimal("100.00")))
    intake.attachment_add(claim=claim, upload=upload(), kind="care_sheet", by=member.user)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            intake.claim_submit(claim=ClaimFile.objects.get(pk=claim.pk), by=member.user)
            outcomes.append("received")
        except intake.ClaimAlreadySubmitted:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "received"]
    assert StatusChange.objects.filter(claim=claim, to_status="received").count() == 1
    assert ClaimFile.objects.filter(member=member).count() == 1
