"""One lock order (beneficiary, then its files): two submissions of one beneficiary's files, while a worker
prices an earlier file of the same beneficiary, all succeed, in real concurrent database connections."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from claims.models import ClaimFile
from claims.services import intake
from claims.services.liquidation import claim_liquidate
from tests.factories import MemberFactory, UserFactory

from .factories import reference, upload

ROUNDS = 20


def _draft(member, beneficiary, day):
    claim = intake.claim_draft_create(member=member, beneficiary=beneficiary, by=member.user)
    intake.claim_line_add(claim=claim, line=intake.LineData("C", day, 1, Decimal("100.00")))
    intake.attachment_add(claim=claim, upload=upload(), kind="care_sheet", by=member.user)
    return claim


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_for_one_beneficiary_both_succeed_while_a_worker_prices(monkeypatch):
    from claims import notifications, tasks

    monkeypatch.setattr(tasks.liquidate_claim, "delay", lambda *args: None)
    monkeypatch.setattr(notifications.notify_status_change, "delay", lambda *args: None)
    reference()
    member = MemberFactory(user=UserFactory())
    beneficiary = member.beneficiaries.get()
    failures: list[str] = []

    for round_number in range(ROUNDS):
        day = intake.today() - timedelta(days=1 + round_number % 30)
        earlier = _draft(member, beneficiary, day)
        intake.claim_submit(claim=earlier, by=member.user)
        first, second = _draft(member, beneficiary, day), _draft(member, beneficiary, day)
        barrier = threading.Barrier(3)

        def run(action, label: str, barrier=barrier, round_number=round_number) -> None:
            try:
                barrier.wait()
                action()
            except Exception as error:  # what a request would have turned into a 500
                failures.append(f"round {round_number} {label}: {type(error).__name__}: {error}")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=(lambda c=first: intake.claim_submit(claim=c, by=member.user), "a")),
            threading.Thread(target=run, args=(lambda c=second: intake.claim_submit(claim=c, by=member.user), "b")),
            threading.Thread(target=run, args=(lambda c=earlier: claim_liquidate(claim_id=c.pk), "worker")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert failures == []
    assert ClaimFile.objects.filter(member=member, status="draft").count() == 0
    assert ClaimFile.objects.filter(member=member).count() == 3 * ROUNDS
