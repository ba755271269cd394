"""The outbox relay, run by beat (settings CELERY_BEAT_SCHEDULE) on the periodic queue."""

from celery import shared_task

from .services import outbox_relay


@shared_task(name="outbox.tasks.periodic_outbox_relay")
def periodic_outbox_relay() -> int:
    return outbox_relay()
