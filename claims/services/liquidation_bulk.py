"""Bulk liquidation for backlogs: chunks of beneficiaries, set-based reads and writes, the same engine.

A chunk is priced in one transaction holding its beneficiaries' row locks (SKIP LOCKED: a beneficiary a
per-file worker is busy with is left for the next round), reading all pending files, lines, facts and history
in a handful of queries and writing lines, totals, statuses and history rows in four statements. A process
killed mid-chunk rolls the chunk back; running again picks up exactly what is still `received`.
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count

from claims.models import ClaimFile, ClaimLine, ClaimStatus, StatusChange
from claims.services.liquidation_loader import (
    beneficiaries_lock,
    facts_complete,
    pending_files_lock,
    pending_files_with_lines_lock,
)
from claims.services.liquidation_reference import reference_data

from .liquidation import Controls, Priced, contexts_price, liquidation_process_warm
from .liquidation_write import priced_write

DEFAULT_CHUNK = 2000


@dataclass(slots=True)
class ChunkReport:
    files: int = 0
    lines: int = 0
    skipped_beneficiaries: list[int] = field(default_factory=list)
    priced: list[Priced] = field(default_factory=list)


def pending_chunks(*, chunk: int = DEFAULT_CHUNK) -> Iterator[list[int]]:
    """Beneficiary ids with `received` files, packed so a chunk holds about `chunk` files (one query)."""
    batch: list[int] = []
    size = 0
    rows = (
        ClaimFile.objects.filter(status=ClaimStatus.RECEIVED)
        .values_list("beneficiary_id")
        .annotate(n=Count("pk"))
        .order_by("beneficiary_id")
    )
    for beneficiary_id, n in rows:
        batch.append(beneficiary_id)
        size += n
        if size >= chunk:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def pending_count() -> int:
    return ClaimFile.objects.filter(status=ClaimStatus.RECEIVED).count()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a chunk runs. A chunk allocates some hundred thousand small records
    (inputs, results, steps), which triggers collections that walk every live object of the process: a third of
    the pricing time, measured. What a chunk allocates is freed by reference counting when it ends; the collector
    runs again after it, as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def liquidation_chunk_run(*, beneficiary_ids: list[int], write: bool = True) -> ChunkReport:
    """Prices every `received` file of these beneficiaries. With write=False nothing is saved (dry run).

    Status moves are set-based here instead of one claim_set_status call per file: the same transition table
    (can_move), a conditional UPDATE on the status seen, and the same StatusChange rows, but no member
    notification (a backlog being migrated does not mail thousands of members at once)."""
    report = ChunkReport()
    with _collector_paused(), transaction.atomic():
        contexts = beneficiaries_lock(beneficiary_ids=beneficiary_ids, skip_locked=True)
        report.skipped_beneficiaries = [pk for pk in beneficiary_ids if pk not in contexts]
        # PostgreSQL: the files (locked) joined with their lines, one read by a raw query; elsewhere the portable two.
        if connection.vendor == "postgresql":
            files = pending_files_with_lines_lock(contexts)
        else:
            files = pending_files_lock(contexts)
        if not files:
            return report
        reference = reference_data()
        facts_complete(contexts, reference)
        priced = contexts_price(contexts.values(), reference)
        Controls.in_force().apply(priced)
        report.priced = priced
        if not write:
            report.files = len(priced)
            report.lines = sum(len(item.file.lines) for item in priced)
            transaction.set_rollback(True)
            return report
        kept, report.lines = priced_write(priced, notify=False)  # lines written (a forwarded file has none)
        report.files = len(kept)
    return report


def statistics_refresh() -> None:
    """ANALYZE the tables a bulk run rewrote. A backlog moved from `received` to priced leaves the planner's
    statistics describing the old table; autovacuum catches up some time later (or never, when it is off), and
    meanwhile the per-file task's history read may choose a scan of every file. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    # Outside a transaction, VACUUM too: the ~100k files just priced left dead entries in the partial index of
    # files still moving, which the first per-file pending reads after the run would walk (244 ms measured).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in (ClaimFile, ClaimLine, StatusChange):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)} ({_analyzed_columns(model)})")


def _analyzed_columns(model) -> str:
    """Every column but the JSON ones, which no query filters, sorts or joins on: their statistics (a sample of
    30,000 explanations) were four fifths of the time of the lines' ANALYZE, measured."""
    from django.db.models import JSONField

    return ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields
                     if not isinstance(f, JSONField))


def liquidate_all(*, chunk: int = DEFAULT_CHUNK, on_chunk: Callable[[ChunkReport], None] | None = None,
                  rounds: int = 3, analyze: bool = True) -> tuple[int, int]:
    """Liquidates every `received` file in chunks; beneficiaries skipped because a worker held them are
    retried in a later round, then refreshes the statistics (`statistics_refresh`). Returns (files, lines)."""
    files = lines = 0
    for _ in range(rounds):
        progressed = False
        for beneficiary_ids in pending_chunks(chunk=chunk):
            report = liquidation_chunk_run(beneficiary_ids=beneficiary_ids)
            files += report.files
            lines += report.lines
            progressed = progressed or bool(report.files)
            if on_chunk is not None:
                on_chunk(report)
        if not progressed or not pending_count():
            break
    if analyze and files:
        statistics_refresh()
    return files, lines


def tail_split(chunks: list[list[int]], processes: int) -> list[list[int]]:
    """The last chunks cut in halves, then quarters: the processes finish together instead of one pricing a whole
    last chunk while the others wait (chunks are taken in order, one at a time)."""
    if len(chunks) < 2 * processes:
        return chunks
    head, tail = chunks[:-2 * processes], chunks[-2 * processes:]
    out = list(head)
    for i, ids in enumerate(tail):
        parts = 2 if i < processes else 4
        size = -(-len(ids) // parts)
        out.extend(ids[start:start + size] for start in range(0, len(ids), size))
    return out


def _children_warm() -> None:
    """What every chunk needs once per process, loaded in the parent before forking so that no child pays it:
    the reference data and the URL resolver (the notification-centre link of a file is reversed once per chunk;
    the first reverse imports every view, over a second of CPU): the per-file worker's warm-up, plus the data."""
    reference_data()
    liquidation_process_warm()


def _chunk_in_child(beneficiary_ids: list[int]) -> tuple[int, int]:
    report = liquidation_chunk_run(beneficiary_ids=beneficiary_ids)
    return report.files, report.lines


def liquidate_all_parallel(*, chunk: int = DEFAULT_CHUNK, processes: int = 2,
                           on_chunk: Callable[[ChunkReport], None] | None = None) -> tuple[int, int]:
    """`liquidate_all` over `processes` forked processes (each with its own database connection): chunks hold
    disjoint beneficiaries, so they never wait on each other's locks. A last sequential round mops up what a
    busy per-file worker held. The Celery fan-out (`bulk_liquidate_all`) does the same across hosts."""
    import multiprocessing

    from django.db import connections

    if processes <= 1:
        return liquidate_all(chunk=chunk, on_chunk=on_chunk)
    chunks = tail_split(list(pending_chunks(chunk=chunk)), processes)
    _children_warm()
    connections.close_all()  # never share a connection with the children
    files = lines = 0
    gc.freeze()  # what the parent holds is not scanned by the children's collections (nor copied on write by them)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for chunk_files, chunk_lines in pool.imap_unordered(_chunk_in_child, chunks):
                files += chunk_files
                lines += chunk_lines
                if on_chunk is not None:
                    on_chunk(ChunkReport(files=chunk_files, lines=chunk_lines))
    finally:
        gc.unfreeze()
    more_files, more_lines = liquidate_all(chunk=chunk, on_chunk=on_chunk, analyze=False)
    if files + more_files:
        statistics_refresh()
    return files + more_files, lines + more_lines
