"""Writing to the outbox and relaying it to the broker.

`outbox_enqueue` writes the intent as a row of the caller's transaction and, on commit, tries to publish it at
once (best effort: a broker error is logged and swallowed, the request still succeeds). The relay
(`outbox_relay`, run by beat every few seconds) publishes what is left. Publishing twice is possible (the
on-commit try and the relay may race, or a worker may die between publish and mark): every task fed through
the outbox is idempotent, so a duplicate does nothing."""

import logging
import os
import queue
import threading
import time
from datetime import timedelta

from django.db import connection, transaction
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


def _published_mark(ids: list[int]) -> None:
    """`UPDATE ... WHERE id IN (...) AND published_at IS NULL` as the ORM would write it, without the ORM: the
    queryset's compilation cost ~0.7 ms of CPU per call, ten times the statement itself (the per-file path
    marks once per task)."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET published_at = %s, attempts = attempts + 1, last_error = '' "
                       f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND published_at IS NULL",
                       [connection.ops.adapt_datetimefield_value(timezone.now()), *ids])


def _publish_batch_quietly(messages: list[OutboxMessage]) -> bool:
    """After commit: hands the messages to the broker, then marks the published ones in one UPDATE (the rows
    are known: no read back). What could not be published stays for the relay. False when the marking failed
    (the database connection may be broken)."""
    published = []
    for message in messages:
        error = _hand_over(message)
        if error is None:
            published.append(message.pk)
        else:
            logger.warning("outbox: could not publish %s #%s: %s", message.task, message.pk, error)
    try:
        if published:
            _published_mark(published)
    except Exception:  # the database may be unreachable right after commit: the relay may publish them again
        logger.exception("outbox: could not mark %d published message(s)", len(published))
        return False
    return True


def _connection_drop() -> None:
    """Closes this thread's database connection; never raises (a broken one may fail to close)."""
    try:
        connection.close()
    except Exception:
        logger.debug("outbox: closing the publisher's connection failed", exc_info=True)


class _BackgroundPublisher:
    """One per process (started lazily, again after a fork): a daemon thread that hands messages to the broker
    and marks them published, so the caller's after-commit work is a queue put and never waits on the broker
    or on the marking UPDATE. Messages waiting together (those of the tasks of the next LINGER_SECONDS) are
    published in one wake-up and marked in one UPDATE. If the process dies first, the rows are still
    unpublished in the outbox: the relay publishes them (RELAY_AFTER). The thread has its own database
    connection (one per worker process), dropped after an error and opened again when needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._queue: queue.Queue[list[OutboxMessage] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def put(self, messages: list[OutboxMessage]) -> None:
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                if self._pid != os.getpid():  # forked: the parent's queue and thread are not ours
                    self._queue = queue.Queue()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
                self._thread.start()
            self._queue.put(messages)

    def _run(self) -> None:
        while True:
            try:
                batches = [self._queue.get(timeout=self.IDLE_SECONDS)]
            except queue.Empty:  # idle: give the connection back
                _connection_drop()
                continue
            time.sleep(self.LINGER_SECONDS)
            while True:
                try:
                    batches.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                messages = [m for batch in batches if batch is not None for m in batch]
                marked = _publish_batch_quietly(messages) if messages else True
                # A connection that failed is dropped (opened again for the next batch), as Django does after a
                # request; no health check per batch (a `SELECT 1` round trip per task).
                if None in batches or not marked:
                    _connection_drop()
            except Exception:  # never let the thread die: the relay covers what was not marked
                logger.exception("outbox: background publisher")
                _connection_drop()
            finally:
                for _ in batches:
                    self._queue.task_done()

    IDLE_SECONDS = 30.0
    # After the first message of a batch, the thread waits this long for more: the messages of the next few
    # tasks go out together (one wake-up, one marking UPDATE) instead of one by one. A member's e-mail or SMS
    # leaves at most this much later; measured: ~0.6 ms less of the publisher's CPU per file, ~1.5 ms less of
    # the worker's in all (fewer wake-ups competing with the task for the GIL).
    LINGER_SECONDS = 0.1

    def flush(self, *, close: bool = False) -> None:
        """Waits until every message put so far was handled (tests, worker shutdown); with `close`, the thread
        then closes its database connection."""
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            if close:
                self._queue.put(None)
            self._queue.join()


_publisher = _BackgroundPublisher()


def outbox_publisher_flush(*, close: bool = False) -> None:
    _publisher.flush(close=close)


def _publish_after_commit(messages: list[OutboxMessage]) -> None:
    from celery import current_app
    from django.conf import settings

    if getattr(settings, "OUTBOX_PUBLISH_IN_BACKGROUND", False) and not current_app.conf.task_always_eager:
        _publisher.put(messages)
    else:
        _publish_batch_quietly(messages)


def outbox_publish_after_commit(messages: list[OutboxMessage]) -> None:
    """For rows the caller inserted itself (by SQL, in the current transaction): published after commit, as
    `outbox_enqueue_many` does."""
    if messages:
        transaction.on_commit(lambda: _publish_after_commit(messages))


def outbox_enqueue_many(*, task: str, args_list: list[list]) -> list[OutboxMessage]:
    """`outbox_enqueue` for several messages of one task: one INSERT in the current transaction; after commit,
    one publish each and one UPDATE marking them (the per-file liquidation's notifications), by the process's
    background publisher when OUTBOX_PUBLISH_IN_BACKGROUND is on (the default; not when tasks run eagerly)."""
    messages = OutboxMessage.objects.bulk_create([OutboxMessage(task=task, args=list(args)) for args in args_list])
    if messages and all(m.pk is not None for m in messages):
        transaction.on_commit(lambda: _publish_after_commit(messages))
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
