"""The per-file path measured two ways: in this process (statements and time per task, no broker) and through
real Celery workers (files/s), for two cases:

- `single`: a beneficiary with no history and one received file (the easy case);
- `history`: a beneficiary with 20 priced files of history and 3 received files; the task queued is the last
  one's, and it prices all 3 in order (what a worker meets when files arrive faster than it prices them).

Statements are counted at the driver (every cursor.execute, savepoints included) plus BEGIN and COMMIT; the
after-commit outbox mark counts when it runs in the task (OUTBOX_PUBLISH_IN_BACKGROUND off), not when the
process's background publisher does it on its own connection (the default, as in a worker)."""

import time
from collections import Counter

from django.db import connection
from django.utils import timezone

from claims.models import ClaimFile, ClaimStatus

from .cpu import cpu_seconds, process_tree

PENDING = (ClaimStatus.RECEIVED, ClaimStatus.LIQUIDATING)


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0
        self.kinds: Counter[str] = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.kinds[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)


def receive(ids: list[int]) -> None:
    ClaimFile.objects.filter(pk__in=ids).update(status=ClaimStatus.RECEIVED, updated_at=timezone.now())


def in_process(cases: list[tuple[int, list[int]]]) -> dict:
    """`cases`: (the file whose task runs, every file it should price). Runs claim_liquidate here, one case at a
    time, counting statements. Returns per-task and per-file figures (the worst case for statements)."""
    from celery import current_app

    from claims.services.liquidation import claim_liquidate, liquidation_caches_warm
    from outbox.services import outbox_publisher_flush

    receive([pk for _, files in cases for pk in files])
    # The first case warms the process as a worker's first task does, untimed (its statements are counted): the
    # reference data cached, the URLconf imported (the notices' links: ~1.8 s of CPU, which made the no-history
    # figure 80-120 ms per task over 20 tasks), every task module imported and the background publisher's thread,
    # broker and database connections opened by its first publish (~25 ms of CPU over the next tasks).
    liquidation_caches_warm()
    current_app.loader.import_default_modules()
    per_task, seconds, kinds = [], 0.0, Counter()
    files, cpu_started = 0, 0.0
    for n, (target, priced) in enumerate(cases):
        if n == 1 or len(cases) == 1:
            outbox_publisher_flush()
            cpu_started = time.process_time()
        counter = StatementCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            claim_liquidate(claim_id=target)
            if n or len(cases) == 1:
                seconds += time.perf_counter() - started
                files += len(priced)
        per_task.append(counter.count + 2)  # + BEGIN and COMMIT, which psycopg2 sends without cursor.execute
        kinds.update(counter.kinds)
    # The CPU of the process, every thread: the background publisher's work for these tasks counts (flushed).
    outbox_publisher_flush()
    cpu = time.process_time() - cpu_started
    timed = max(len(cases) - 1, 1)
    left = ClaimFile.objects.filter(pk__in=[pk for _, f in cases for pk in f], status__in=PENDING).count()
    return {"tasks": len(cases), "timed_tasks": timed, "files": files, "not_priced": left,
            "statements_per_task_max": max(per_task), "statements_per_task_min": min(per_task),
            "statements_per_file": round(max(per_task) / (files / timed), 1),
            "statement_kinds_per_task": {k: round(v / len(cases), 1) for k, v in sorted(kinds.items())},
            "ms_per_task": round(1000 * seconds / timed, 2), "files_per_s": round(files / seconds, 1),
            "cpu_ms_per_task": round(1000 * cpu / timed, 2), "cpu_ms_per_file": round(1000 * cpu / files, 2)}


def _wait_done(ids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while ClaimFile.objects.filter(pk__in=ids, status__in=PENDING).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for the workers")
        time.sleep(0.05)


def through_workers(start_workers, cases: list[tuple[int, list[int]]], processes: int) -> dict:
    """Queues one task per case for `processes` worker processes (started before the clock runs) and waits
    until every file of every case is priced."""
    from claims.tasks import liquidate_claim

    workers = start_workers(processes)
    try:
        every = [pk for _, files in cases for pk in files]
        receive(every)
        pool = [p for worker in workers for p in process_tree(worker.process.pid)]
        cpu0 = cpu_seconds(pool)
        started = time.perf_counter()
        for target, _ in cases:
            liquidate_claim.delay(target)
        _wait_done(every, timeout=900)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(pool) - cpu0
    finally:
        for worker in workers:
            worker.stop()
    # The workers' CPU (user + system, every process of the pool) per file: what a file costs the worker
    # whatever else the machine runs; 1000 / that is the ceiling of one worker process on an idle core.
    cpu_ms = 1000 * cpu / len(every)
    return {"processes": processes, "tasks": len(cases), "files": len(every), "seconds": round(seconds, 2),
            "files_per_s": round(len(every) / seconds, 1), "tasks_per_s": round(len(cases) / seconds, 1),
            "worker_cpu_ms_per_file": round(cpu_ms, 2),
            "files_per_cpu_s": round(1000 / cpu_ms, 1) if cpu_ms else None}

