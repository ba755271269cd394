"""Celery tasks of provident requests: thin, ids in. liquidate_* runs on the `provident` queue (settings
CELERY_TASK_ROUTES), periodic_* on the periodic queue, notify_* on the notifications queue."""

from celery import shared_task
from django.db import transaction

from .notifications import notify_provident_status
from .services import liquidation


@shared_task(name="provident.tasks.liquidate_provident_request", acks_late=True)
def liquidate_provident_request(request_id: int) -> str | None:
    """Decides request `request_id`. Idempotent: a redelivered message finds it no longer `received`."""
    return liquidation.provident_liquidate(request_id=request_id)


@shared_task(name="provident.tasks.periodic_provident_sweep")
def periodic_provident_sweep() -> int:
    """Queues again the received requests whose message was lost."""
    ids = liquidation.provident_sweep()

    def queue() -> None:
        for request_id in ids:
            liquidate_provident_request.delay(request_id)

    transaction.on_commit(queue)
    return len(ids)


__all__ = ["liquidate_provident_request", "notify_provident_status", "periodic_provident_sweep"]
