"""The measurements of `python -m bench` (run inside a configured Django process on the bench database)."""

import os
import statistics
import sys
import time

import redis
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from tqdm import tqdm

from claims.liquidation import AffiliationPeriod, BeneficiaryFacts, HistoryLine, PriorAgreement, liquidate
from claims.liquidation.inputs import ClaimInput, LineInput
from claims.models import ClaimFile, ClaimLine, ClaimStatus, StatusChange
from claims.services.liquidation_bulk import liquidate_all_parallel
from claims.services.liquidation_loader import HISTORY_STATUSES
from claims.services.liquidation_reference import reference_data
from claims.status import claim_set_status

from . import dataset, floor, per_file, plans


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds else 0.0


def naive_liquidate(claim_id: int) -> None:
    """The baseline: what a straightforward per-file ORM implementation does (lazy relations, save() per row)."""
    with transaction.atomic():
        claim = ClaimFile.objects.select_related("member__mutual", "beneficiary").get(pk=claim_id)
        lines = list(claim.lines.order_by("position"))
        b = claim.beneficiary
        facts = BeneficiaryFacts(b.relation, b.birth_date, b.marriage_end,
                                 tuple((s.start, s.end) for s in b.student_periods.all()), b.disabled_from)
        affiliations = [AffiliationPeriod(a.start, a.end, a.complementary) for a in claim.member.affiliations.all()]
        agreements = [PriorAgreement(frozenset(a.acts.values_list("code", flat=True)), a.valid_from, a.valid_to)
                      for a in b.prior_agreements.filter(status="granted")]
        history = [HistoryLine(x.act_id, x.care_date, x.accepted_quantity, x.billed_amount, x.amo_amount)
                   for x in ClaimLine.objects.filter(claim__beneficiary=b, claim__status__in=HISTORY_STATUSES,
                                                     accepted=True)]
        claim_input = ClaimInput(claim.received_on, claim.sector, tuple(
            LineInput(x.act_id, x.care_date, x.quantity, x.billed_amount, x.ald) for x in lines),
            not claim.member.mutual.is_ours)
        result = liquidate(claim=claim_input, affiliations=affiliations, beneficiary=facts, agreements=agreements,
                           history=history, reference=reference_data())
        claim_set_status(claim=claim, to_status=ClaimStatus.LIQUIDATING, notify=False)
        for line, r in zip(lines, result.lines, strict=False):
            line.accepted, line.accepted_quantity, line.accepted_billed_amount = (r.accepted, r.accepted_quantity,
                                                                                  r.accepted_billed_amount)
            line.base_amount, line.amo_amount, line.complementary_amount = r.base, r.amo_amount, r.complementary_amount
            line.reason_codes = list(r.reasons)
            line.save()
        claim.total_base, claim.total_amo = result.total_base, result.total_amo
        claim.total_complementary, claim.total_reimbursed = result.total_complementary, result.total_reimbursed
        claim.liquidated_at = timezone.now()
        claim.save()
        claim_set_status(claim=claim, to_status=result.status, notify=False)


def _reset(ids: list[int]) -> None:
    StatusChange.objects.filter(claim_id__in=ids).delete()
    ClaimLine.objects.filter(claim_id__in=ids).update(accepted=None, accepted_quantity=None, base_amount=None,
                                                      amo_amount=None, complementary_amount=None, reason_codes=[])
    ClaimFile.objects.filter(pk__in=ids).update(status=ClaimStatus.RECEIVED, liquidated_at=None)


def analyze() -> None:
    """Fresh statistics before every phase: each phase is measured on plans made for the data it meets."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _purge(url: str) -> None:
    from tests.worker import BROKER_KEYS

    redis.Redis.from_url(url).delete(*BROKER_KEYS)


def _worker_starter(args):
    from tests.worker import WorkerProcess

    def start(count: int, concurrency: int = 1) -> list:
        _purge(args.redis)
        return [WorkerProcess(name=f"bench{i}", concurrency=concurrency, database_url=f"{args.pg}/{args.db}",
                              broker_url=args.redis, settings_module="mutuelle.settings",
                              queues="liquidation").start()
                for i in range(count)]

    return start


def _latency(args, ids: list[int]) -> dict:
    from claims.tasks import liquidate_claim

    workers = _worker_starter(args)(1, concurrency=2)
    submitted = {}
    try:
        for claim in ClaimFile.objects.filter(pk__in=ids).only("pk", "status", "tracking_code"):
            submitted[claim.pk] = timezone.now()
            with transaction.atomic():
                claim_set_status(claim=claim, to_status=ClaimStatus.RECEIVED, notify=False)
                transaction.on_commit(lambda pk=claim.pk: liquidate_claim.delay(pk))
            time.sleep(args.latency_interval)
        per_file._wait_done(ids, timeout=300)
    finally:
        for worker in workers:
            worker.stop()
    done = dict(ClaimFile.objects.filter(pk__in=ids).values_list("pk", "liquidated_at"))
    latencies = sorted((done[pk] - at).total_seconds() for pk, at in submitted.items())
    return {"files": len(latencies), "interval_s": args.latency_interval,
            "p50_s": round(statistics.median(latencies), 3),
            "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3), "max_s": round(latencies[-1], 3)}


def _load() -> list[float]:
    return [float(x) for x in open("/proc/loadavg").read().split()[:3]]


def _phase(results: dict, name: str) -> None:
    analyze()
    results.setdefault("load_average", {})[name] = _load()
    print(f"{name}…", file=sys.stderr)


STATEMENT_SAMPLE = 20  # cases of each kind priced in this process to count statements


def run(args) -> dict:
    results: dict = {"parameters": {"files": args.files, "members": args.members, "chunk": args.chunk,
                                    "sample": args.sample, "per_file": args.per_file,
                                    "history_members": args.history_members},
                     "cpus": os.cpu_count()}
    results.setdefault("load_average", {})["start"] = _load()
    extra = STATEMENT_SAMPLE + (0 if args.no_worker else args.latency + 2 * args.per_file)
    history_members = STATEMENT_SAMPLE + (0 if args.no_worker else args.history_members)
    started = time.perf_counter()
    print("generating the data set…", file=sys.stderr)
    results["data"] = dataset.generate(files=args.files, members=args.members, extra_draft_members=extra)
    history_cases = dataset.history_generate(members=history_members)
    results["data"]["history_members"] = history_members
    results["data"]["files"] += 20 * history_members
    results["data"]["lines"] = ClaimLine.objects.filter(claim__status="received").count()
    results["data"]["seconds"] = round(time.perf_counter() - started, 1)
    reference_data()

    _phase(results, "SQL-only floor")
    results["floor"] = floor.sql_floor()

    _phase(results, "bulk liquidation")
    started = time.perf_counter()
    with tqdm(total=results["data"]["files"], unit="files", file=sys.stderr, dynamic_ncols=True) as bar:
        files, lines = liquidate_all_parallel(chunk=args.chunk, processes=args.processes,
                                              on_chunk=lambda report: bar.update(report.files))
    seconds = time.perf_counter() - started
    results["bulk"] = {"files": files, "lines_written": lines, "seconds": round(seconds, 2),
                       "processes": args.processes, "files_per_s": _rate(files, seconds),
                       "lines_per_s": _rate(lines, seconds),
                       "lines_in_db": ClaimLine.objects.filter(accepted__isnull=False).count(),
                       "includes": "reads, pricing, writes and the final ANALYZE"}
    results["bulk_vs_floor"] = round(results["bulk"]["files_per_s"] / results["floor"]["files_per_s"], 2)
    results["statuses"] = dict(ClaimFile.objects.exclude(status="draft").values_list("status").annotate(
        n=Count("pk")).order_by("status"))

    _phase(results, "query plans")
    results["plans"] = plans.report(ClaimFile.objects.get(pk=history_cases[0][0]).beneficiary_id)

    _phase(results, "naive baseline")
    sample = list(ClaimFile.objects.exclude(status="draft").order_by("?").values_list("pk", flat=True)[:args.sample])
    _reset(sample)
    started = time.perf_counter()
    for claim_id in sample:
        naive_liquidate(claim_id)
    seconds = time.perf_counter() - started
    results["baseline"] = {"files": len(sample), "seconds": round(seconds, 2),
                           "files_per_s": _rate(len(sample), seconds)}
    results["ratio_bulk_vs_baseline"] = round(results["bulk"]["files_per_s"] / results["baseline"]["files_per_s"], 1)
    results["ratio_per_process"] = round(results["ratio_bulk_vs_baseline"] / args.processes, 1)

    drafts = list(ClaimFile.objects.filter(status="draft", tracking_code__startswith="D").order_by("pk")
                  .values_list("pk", flat=True))
    single = [(pk, [pk]) for pk in drafts]
    history = [(files[-1], files) for files in history_cases]
    _phase(results, "per-file path in this process (statements)")
    results["in_process"] = {"single": per_file.in_process(single[:STATEMENT_SAMPLE]),
                             "history": per_file.in_process(history[:STATEMENT_SAMPLE])}
    single, history = single[STATEMENT_SAMPLE:], history[STATEMENT_SAMPLE:]

    if not args.no_worker:
        start = _worker_starter(args)
        _phase(results, "latency through Redis and a real worker")
        results["latency"] = _latency(args, [pk for pk, _ in single[:args.latency]])
        single = single[args.latency:]
        results["per_file"] = {}
        _phase(results, "per-file, no history, 1 worker process")
        results["per_file"]["single_1"] = per_file.through_workers(start, single[:args.per_file], 1)
        _phase(results, "per-file, no history, 2 worker processes")
        results["per_file"]["single_2"] = per_file.through_workers(start, single[args.per_file:2 * args.per_file], 2)
        _phase(results, "per-file, 20 files of history and 3 pending, 1 worker process")
        results["per_file"]["history_1"] = per_file.through_workers(start, history, 1)
        _purge(args.redis)
    results["load_average"]["end"] = _load()
    return results


def _pf(r: dict) -> str:
    return (f"{r['files_per_s']} files/s ({r['tasks_per_s']} tasks/s, {r['files']} files, "
            f"{r['processes']} process(es)); worker CPU {r.get('worker_cpu_ms_per_file')} ms/file = "
            f"{r.get('files_per_cpu_s')} files per CPU-second")


def print_table(r: dict) -> None:
    f, b, ip = r["floor"], r["bulk"], r["in_process"]
    rows = [
        ("data set", f"{r['data']['files']} files, {r['data']['lines']} lines, {r['data']['members']} members "
                     f"(+{r['data']['history_members']} with 20 files of history and 3 pending)"),
        ("SQL-only floor", f"{f['files_per_s']} files/s ({f['files']} files, {f['lines']} lines; {f['how']})"),
        ("bulk liquidation", f"{b['files_per_s']} files/s, {b['lines_per_s']} written lines/s "
                             f"({b['files']} files, {b['lines_written']} lines written in {b['seconds']} s, "
                             f"{b['processes']} process(es))"),
        ("bulk / SQL-only floor", f"{r['bulk_vs_floor']}"),
        ("naive per-file save() baseline", f"{r['baseline']['files_per_s']} files/s ({r['baseline']['files']} files)"),
        ("ratio bulk / baseline", f"{r['ratio_bulk_vs_baseline']}x ({r['ratio_per_process']}x per process)"),
        ("history read plan", f"{', '.join(r['plans']['history']['access'])}, "
                              f"{r['plans']['history']['execution_ms']} ms"),
        ("pending read plan", f"{', '.join(r['plans']['pending']['access'])}, "
                              f"{r['plans']['pending']['execution_ms']} ms"),
    ]
    for name, label in (("single", "no history, 1 file"), ("history", "20 history + 3 pending")):
        x = ip[name]
        rows.append((f"statements per task, {label}", f"{x['statements_per_task_max']} "
                     f"(min {x['statements_per_task_min']}; {x['statements_per_file']} per file; "
                     f"{x['statement_kinds_per_task']})"))
        rows.append((f"in-process per-file, {label}", f"{x['ms_per_task']} ms per task, {x['files_per_s']} files/s; "
                                                     f"CPU {x.get('cpu_ms_per_task')} ms per task, "
                                                     f"{x.get('cpu_ms_per_file')} ms per file"))
    if "latency" in r:
        rows.append(("submission -> liquidated", f"p50 {r['latency']['p50_s']} s, p95 {r['latency']['p95_s']} s "
                                                 f"({r['latency']['files']} files)"))
        pf = r["per_file"]
        rows.append(("per-file, no history, 1 worker", _pf(pf["single_1"])))
        rows.append(("per-file, no history, 2 workers", _pf(pf["single_2"])))
        rows.append(("per-file, 20 history + 3 pending, 1 worker", _pf(pf["history_1"])))
    rows.append(("load average per phase", "; ".join(f"{k}: {v[0]}" for k, v in r["load_average"].items())))
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
