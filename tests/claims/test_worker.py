"""Liquidation through real Celery worker processes: on commit, after a lost message, after a SIGKILL."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum

from claims.models import ClaimFile, ClaimLine, PaidFile, PaymentBatch, StatusChange
from claims.services.liquidation import claim_liquidate
from claims.services.liquidation_bulk import liquidation_chunk_run
from claims.tasks import bulk_liquidate_all, liquidate_claim, periodic_liquidation_sweep, periodic_payment_batch
from tests.worker import wait_for

from . import liquidation_builders as b

D = Decimal


def _status(claim) -> str:
    return ClaimFile.objects.values_list("status", flat=True).get(pk=claim.pk)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_received_file_is_liquidated_by_the_worker_once_its_transaction_commits(celery_worker):
    b.reference()
    with transaction.atomic():
        claim = b.received_file(b.self_of(b.member()), [b.consultation()])
        transaction.on_commit(lambda: liquidate_claim.delay(claim.pk))

    wait_for(lambda: _status(claim) == "liquidated", what="the worker to liquidate the file")
    claim.refresh_from_db()
    assert claim.total_reimbursed == D("72.00")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_sweep_picks_up_a_file_whose_message_was_lost(celery_worker):
    b.reference()
    claim = b.received_file(b.self_of(b.member()), [b.consultation()])  # no task queued

    periodic_liquidation_sweep.delay(older_than_seconds=0)

    wait_for(lambda: _status(claim) == "liquidated", what="the sweep to queue the file")
    assert claim.status_changes.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_files_of_one_beneficiary_give_the_result_of_one_after_the_other():
    """Frequency limit and duplicate across files: whichever worker starts first, the earlier file wins."""
    b.reference()
    for _ in range(4):
        beneficiary = b.self_of(b.member())
        visit = b.consultation(day=date(2025, 3, 1))
        earlier = b.received_file(beneficiary, [("OPT-FRAME", date(2025, 3, 1), 1, "400.00"), visit],
                                  received_on=date(2025, 3, 5))
        later = b.received_file(beneficiary, [("OPT-FRAME", date(2025, 3, 10), 1, "450.00"), visit])
        barrier = threading.Barrier(2)

        def run(claim_id, barrier=barrier):
            try:
                barrier.wait()
                claim_liquidate(claim_id=claim_id)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(c.pk,)) for c in (later, earlier)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        earlier.refresh_from_db()
        later.refresh_from_db()
        assert (earlier.status, earlier.total_reimbursed) == ("liquidated", D("72.00") + D("320.00"))
        assert (later.status, later.total_reimbursed) == ("rejected", D("0.00"))
        assert [line.reason_codes for line in later.lines.order_by("position")] == [["FREQUENCY_LIMIT"], ["DUPLICATE"]]
        assert StatusChange.objects.filter(claim__in=[earlier, later]).count() == 4


def _succeeded(worker, task: str) -> int:
    return sum(1 for line in worker.log.read_text().splitlines() if task in line and "succeeded" in line)


def _backlog(members: int) -> list[ClaimFile]:
    claims = []
    for i in range(members):
        beneficiary = b.self_of(b.member())
        for f in range(5):
            lines = [("C", date(2025, 3, 1 + f), 1, "100.00"), ("MED", date(2025, 3, 1 + f), 1, f"{50 + i}.55"),
                     ("OPT-LENS", date(2025, 3, 1 + f), 1, "300.00")]
            claims.append(b.received_file(beneficiary, lines, received_on=date(2025, 3, 10 + f)))
    return claims


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_liquidates_every_file_once(celery_worker_factory):
    b.reference()
    claims = _backlog(members=160)
    clean = liquidation_chunk_run(beneficiary_ids=list({c.beneficiary_id for c in claims}), write=False)
    expected = sum((item.result.total_reimbursed for item in clean.priced), D("0.00"))

    worker = celery_worker_factory("first")
    bulk_liquidate_all.delay(chunk=40)
    wait_for(lambda: ClaimFile.objects.exclude(status="received").exists(), every=0.005, what="a first chunk")
    worker.kill()
    done_at_kill = ClaimFile.objects.exclude(status="received").count()

    celery_worker_factory("second")
    bulk_liquidate_all.delay(chunk=40)
    wait_for(lambda: not ClaimFile.objects.filter(status__in=["received", "liquidating"]).exists(), timeout=120,
             what="every file to be liquidated after the restart")

    assert 0 < done_at_kill
    per_file = StatusChange.objects.values("claim_id").annotate(n=Count("pk")).values_list("n", flat=True)
    assert set(per_file) == {2} and len(per_file) == len(claims)
    assert ClaimFile.objects.aggregate(total=Sum("total_reimbursed"))["total"] == expected
    assert ClaimLine.objects.filter(accepted__isnull=True).count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_payment_job_run_twice_by_the_worker_pays_each_file_once(celery_worker):
    b.reference()
    claims = [b.received_file(b.self_of(b.member()), [b.consultation()]) for _ in range(5)]
    for claim in claims:
        claim_liquidate(claim_id=claim.pk)

    periodic_payment_batch.delay()
    periodic_payment_batch.delay()
    wait_for(lambda: _succeeded(celery_worker, "claims.tasks.periodic_payment_batch") == 2, what="both jobs")

    assert PaymentBatch.objects.count() == 1
    assert sorted(PaidFile.objects.values_list("claim_id", flat=True)) == sorted(c.pk for c in claims)
