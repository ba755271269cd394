"""Queues: a liquidation backlog never sits in front of an email or a periodic job."""

import pytest
from django.conf import settings

from mutuelle.celery import app


@pytest.mark.parametrize(("task", "queue"), [
    ("claims.tasks.liquidate_claim", "liquidation"),
    ("claims.tasks.bulk_liquidate_chunk", "liquidation"),
    ("claims.tasks.bulk_liquidate_all", "liquidation"),
    ("claims.tasks.periodic_liquidation_sweep", "periodic"),
    ("claims.tasks.periodic_payment_batch", "periodic"),
])
def test_each_liquidation_task_is_routed_to_its_queue(task, queue):
    app.loader.import_default_modules()
    assert task in app.tasks
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_the_beat_schedule_runs_the_sweep_every_minute_and_the_payment_batch_daily():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["liquidation-sweep"]["schedule"] == 60.0
    assert schedule["daily-payment-batch"]["task"] in app.tasks
    assert all(entry["task"] in app.tasks for entry in schedule.values())
