"""Celery tasks of claims: thin interfaces taking ids, calling services. Routed by name (settings
CELERY_TASK_ROUTES): liquidate_* and bulk_* on the liquidation queue, periodic_* on the periodic queue."""

from celery import shared_task
from django.db import transaction

from .notifications import notify_status_change  # noqa: F401 - registers claims.tasks.notify_claim_status
from .services import liquidation, liquidation_bulk, payments


@shared_task(name="claims.tasks.liquidate_claim", acks_late=True)
def liquidate_claim(claim_id: int) -> str | None:
    """Prices file `claim_id` (and any earlier received file of its beneficiary). Idempotent: a duplicate or
    redelivered message finds the file no longer `received` and does nothing."""
    return liquidation.claim_liquidate(claim_id=claim_id)


@shared_task(name="claims.tasks.bulk_liquidate_chunk", acks_late=True)
def bulk_liquidate_chunk(beneficiary_ids: list[int]) -> int:
    return liquidation_bulk.liquidation_chunk_run(beneficiary_ids=beneficiary_ids).files


@shared_task(name="claims.tasks.bulk_liquidate_all")
def bulk_liquidate_all(chunk: int = liquidation_bulk.DEFAULT_CHUNK) -> int:
    """Fans the backlog out as chunk tasks: every worker on the liquidation queue takes chunks."""
    chunks = list(liquidation_bulk.pending_chunks(chunk=chunk))
    for beneficiary_ids in chunks:
        bulk_liquidate_chunk.delay(beneficiary_ids)
    return len(chunks)


@shared_task(name="claims.tasks.periodic_liquidation_sweep")
def periodic_liquidation_sweep(older_than_seconds: int | None = None) -> int:
    """Queues again what was left behind (lost messages, workers that died mid-file)."""
    from datetime import timedelta

    ids = (liquidation.liquidation_sweep() if older_than_seconds is None
           else liquidation.liquidation_sweep(older_than=timedelta(seconds=older_than_seconds)))

    def queue() -> None:
        for claim_id in ids:
            liquidate_claim.delay(claim_id)

    transaction.on_commit(queue)
    return len(ids)


@shared_task(name="claims.tasks.periodic_payment_batch")
def periodic_payment_batch() -> int | None:
    """The daily payment batch: every liquidated, unpaid file of members with a valid IBAN."""
    batch = payments.payment_batch_create()
    return batch.pk if batch else None
