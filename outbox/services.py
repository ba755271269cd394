"""Writing to the outbox and relaying it to the broker.

`outbox_enqueue` writes the intent as a row of the caller's transaction and, on commit, tries to publish it at
once (best effort: a broker error is logged and swallowed, the request still succeeds). The relay
(`outbox_relay`, run by beat every few seconds) publishes what is left. Publishing twice is possible (the
on-commit try and the relay may race, or a worker may die between publish and mark): every task fed through
the outbox is idempotent, so a duplicate does nothing."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger("mutuelle.outbox")

RELAY_AFTER = timedelta(seconds=5)
RELAY_BATCH = 500


def _publish(message: OutboxMessage) -> bool:
    """Hands one message to the broker; True when it was accepted. Never raises."""
    from celery import current_app

    try:
        if message.task not in current_app.tasks:
            current_app.loader.import_default_modules()  # web processes discover the apps' tasks lazily
        task = current_app.tasks.get(message.task)
        if task is None:
            current_app.send_task(message.task, args=message.args, kwargs=message.kwargs)
        else:
            task.delay(*message.args, **message.kwargs)  # .delay: eager in `make run`, routed by name
    except Exception as error:  # a broker outage (or any publish error) must not fail the caller
        logger.warning("outbox: could not publish %s #%s: %s", message.task, message.pk, error)
        OutboxMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1,
                                                           last_error=str(error)[:2000])
        return False
    OutboxMessage.objects.filter(pk=message.pk, published_at__isnull=True).update(
        published_at=timezone.now(), attempts=message.attempts + 1, last_error="")
    return True


def _publish_quietly(message_id: int) -> None:
    try:
        message = OutboxMessage.objects.filter(pk=message_id, published_at__isnull=True).first()
        if message is not None:
            _publish(message)
    except Exception:  # the database itself may be unreachable right after commit: the relay will do it
        logger.exception("outbox: on-commit publish of #%s failed", message_id)


def outbox_enqueue(*, task: str, args: list | tuple = (), kwargs: dict | None = None) -> OutboxMessage:
    """Records task `task` (its registered name) to run with `args`, in the current transaction; publishes it
    once the transaction commits, or leaves it to the relay."""
    message = OutboxMessage.objects.create(task=task, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: _publish_quietly(message.pk))
    return message


def _hand_over(message: OutboxMessage) -> Exception | None:
    """Publishes one message; the error when the broker refused it. Never raises, never queries."""
    from celery import current_app

    try:
        if message.task not in current_app.tasks:
            current_app.loader.import_default_modules()
        task = current_app.tasks.get(message.task)
        if task is None:
            current_app.send_task(message.task, args=message.args, kwargs=message.kwargs)
        else:
            task.delay(*message.args, **message.kwargs)
    except Exception as error:  # a broker outage must not fail the caller: the relay publishes it later
        return error
    return None


def _publish_batch_quietly(messages: list[OutboxMessage]) -> None:
    """After commit: hands the messages to the broker, then marks the published ones in one UPDATE (the rows
    are known: no read back). What could not be published stays for the relay."""
    published = []
    for message in messages:
        error = _hand_over(message)
        if error is None:
            published.append(message.pk)
        else:
            logger.warning("outbox: could not publish %s #%s: %s", message.task, message.pk, error)
    try:
        if published:
            OutboxMessage.objects.filter(pk__in=published, published_at__isnull=True).update(
                published_at=timezone.now(), attempts=F("attempts") + 1, last_error="")
    except Exception:  # the database may be unreachable right after commit: the relay may publish them again
        logger.exception("outbox: could not mark %d published message(s)", len(published))


def outbox_enqueue_many(*, task: str, args_list: list[list]) -> list[OutboxMessage]:
    """`outbox_enqueue` for several messages of one task: one INSERT in the current transaction; after commit,
    one publish each and one UPDATE marking them (the per-file liquidation's notifications)."""
    messages = OutboxMessage.objects.bulk_create([OutboxMessage(task=task, args=list(args)) for args in args_list])
    if messages and all(m.pk is not None for m in messages):
        transaction.on_commit(lambda: _publish_batch_quietly(messages))
    return messages


def outbox_relay(*, older_than: timedelta = RELAY_AFTER, limit: int = RELAY_BATCH) -> int:
    """Publishes messages still unpublished `older_than` after they were written (the on-commit try failed or
    never ran). Rows are claimed with SKIP LOCKED so two relays never publish the same row at once. Returns
    how many were published; stops at the first broker error (the rest waits for the next run)."""
    cutoff = timezone.now() - older_than
    published = 0
    with transaction.atomic():
        messages = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                        .filter(published_at__isnull=True, created_at__lte=cutoff).order_by("id")[:limit])
        for message in messages:
            if not _publish(message):
                break
            published += 1
    return published


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(published_at__isnull=True).count()
