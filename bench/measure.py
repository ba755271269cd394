"""The measurements of `python -m bench` (run inside a configured Django process on the bench database)."""

import statistics
import sys
import time

import redis
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from claims.liquidation import AffiliationPeriod, BeneficiaryFacts, HistoryLine, PriorAgreement, liquidate
from claims.liquidation.inputs import ClaimInput, LineInput
from claims.models import ClaimFile, ClaimLine, ClaimStatus, StatusChange
from claims.services.liquidation_bulk import liquidate_all_parallel
from claims.services.liquidation_loader import HISTORY_STATUSES, reference_data
from claims.status import claim_set_status

from . import dataset

PENDING = (ClaimStatus.RECEIVED, ClaimStatus.LIQUIDATING)


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds else 0.0


def naive_liquidate(claim_id: int) -> None:
    """The baseline: what a straightforward per-file ORM implementation does (lazy relations, save() per row)."""
    with transaction.atomic():
        claim = ClaimFile.objects.select_related("member__mutual", "beneficiary").get(pk=claim_id)
        lines = list(claim.lines.order_by("position"))
        b = claim.beneficiary
        facts = BeneficiaryFacts(b.relation, b.birth_date, b.marriage_end,
                                 tuple((s.start, s.end) for s in b.student_periods.all()), b.disabled)
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


def _wait_done(ids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while ClaimFile.objects.filter(pk__in=ids, status__in=PENDING).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for the workers")
        time.sleep(0.05)


def _purge(url: str) -> None:
    from tests.worker import BROKER_KEYS

    redis.Redis.from_url(url).delete(*BROKER_KEYS)


def _workers(args, count: int, concurrency: int = 1):
    from tests.worker import WorkerProcess

    _purge(args.redis)
    return [WorkerProcess(name=f"bench{i}", concurrency=concurrency, database_url=f"{args.pg}/{args.db}",
                          broker_url=args.redis, settings_module="mutuelle.settings", queues="liquidation").start()
            for i in range(count)]


def _per_file_throughput(args, ids: list[int], processes: int) -> float:
    from claims.tasks import liquidate_claim

    workers = _workers(args, processes)
    try:
        ClaimFile.objects.filter(pk__in=ids).update(status=ClaimStatus.RECEIVED, updated_at=timezone.now())
        started = time.perf_counter()
        for claim_id in ids:
            liquidate_claim.delay(claim_id)
        _wait_done(ids, timeout=600)
        return _rate(len(ids), time.perf_counter() - started)
    finally:
        for worker in workers:
            worker.stop()


def _latency(args, ids: list[int]) -> dict:
    from claims.tasks import liquidate_claim

    workers = _workers(args, 1, concurrency=2)
    submitted = {}
    try:
        for claim in ClaimFile.objects.filter(pk__in=ids).only("pk", "status", "tracking_code"):
            submitted[claim.pk] = timezone.now()
            with transaction.atomic():
                claim_set_status(claim=claim, to_status=ClaimStatus.RECEIVED, notify=False)
                transaction.on_commit(lambda pk=claim.pk: liquidate_claim.delay(pk))
            time.sleep(args.latency_interval)
        _wait_done(ids, timeout=300)
    finally:
        for worker in workers:
            worker.stop()
    done = dict(ClaimFile.objects.filter(pk__in=ids).values_list("pk", "liquidated_at"))
    latencies = sorted((done[pk] - at).total_seconds() for pk, at in submitted.items())
    return {"files": len(latencies), "interval_s": args.latency_interval,
            "p50_s": round(statistics.median(latencies), 3),
            "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3), "max_s": round(latencies[-1], 3)}


def run(args) -> dict:
    results: dict = {"parameters": {"files": args.files, "members": args.members, "chunk": args.chunk,
                                    "sample": args.sample}}
    extra = 0 if args.no_worker else args.latency + 2 * args.per_file
    started = time.perf_counter()
    print("generating the data set…", file=sys.stderr)
    results["data"] = dataset.generate(files=args.files, members=args.members, extra_draft_members=extra)
    results["data"]["seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reference_data()

    started = time.perf_counter()
    with tqdm(total=args.files, unit="files", file=sys.stderr, dynamic_ncols=True) as bar:
        files, lines = liquidate_all_parallel(chunk=args.chunk, processes=args.processes,
                                              on_chunk=lambda report: bar.update(report.files))
    seconds = time.perf_counter() - started
    results["bulk"] = {"files": files, "lines": lines, "seconds": round(seconds, 2), "processes": args.processes,
                       "files_per_s": _rate(files, seconds), "lines_per_s": _rate(lines, seconds)}
    results["statuses"] = dict(ClaimFile.objects.exclude(status="draft").values_list("status").annotate(
        n=__import__("django.db.models", fromlist=["Count"]).Count("pk")).order_by("status"))

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

    if not args.no_worker:
        drafts = list(ClaimFile.objects.filter(status="draft").order_by("pk").values_list("pk", flat=True))
        latency_ids, rest = drafts[:args.latency], drafts[args.latency:]
        print("latency through Redis and a real worker…", file=sys.stderr)
        results["latency"] = _latency(args, latency_ids)
        print("per-file throughput, 1 then 2 worker processes…", file=sys.stderr)
        results["per_file"] = {
            "1_worker_files_per_s": _per_file_throughput(args, rest[:args.per_file], 1),
            "2_workers_files_per_s": _per_file_throughput(args, rest[args.per_file:2 * args.per_file], 2),
        }
        _purge(args.redis)
    return results


def print_table(r: dict) -> None:
    rows = [
        ("data set", f"{r['data']['files']} files, {r['data']['lines']} lines, {r['data']['members']} members"),
        ("bulk liquidation", f"{r['bulk']['files_per_s']} files/s, {r['bulk']['lines_per_s']} lines/s "
                             f"({r['bulk']['files']} files in {r['bulk']['seconds']} s, "
                             f"{r['bulk']['processes']} process(es))"),
        ("naive per-file save() baseline", f"{r['baseline']['files_per_s']} files/s ({r['baseline']['files']} files)"),
        ("ratio bulk / baseline", f"{r['ratio_bulk_vs_baseline']}x "
                                  f"({r['ratio_per_process']}x per process)"),
    ]
    if "latency" in r:
        rows.append(("submission -> liquidated", f"p50 {r['latency']['p50_s']} s, p95 {r['latency']['p95_s']} s "
                                                 f"({r['latency']['files']} files)"))
        rows.append(("per-file path, 1 worker process", f"{r['per_file']['1_worker_files_per_s']} files/s"))
        rows.append(("per-file path, 2 worker processes", f"{r['per_file']['2_workers_files_per_s']} files/s"))
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
