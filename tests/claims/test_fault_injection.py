"""Fault injection with real processes: a bulk liquidation of 5,000 files survives SIGKILLed workers, a database
connection cut under a worker and a Redis restart, and ends exactly where a clean run ends.

The clean result is computed first without side effects (the bulk path's dry run: same engine, same loader, rolled
back). Then a real Celery worker takes the chunks of `bulk_liquidate_all` while the test strikes at seeded random
moments. The broker is the test's own redis-server on a free port (never the shared 6379), keeping nothing on disk,
so its restart loses every queued chunk (and the messages the killed
workers held unacked): recovery comes from `periodic_liquidation_sweep` alone, sent until nothing is left.

The seed is printed; FAULTS_SEED=<n> replays a schedule.
"""

import os
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from bench.dataset import generate
from claims.models import ClaimFile, ClaimLine, ClaimStatus, PaidFile, PaymentBatch, StatusChange, Transfer
from claims.services.liquidation_bulk import liquidation_chunk_run
from claims.services.payments import iban_is_valid, payment_batch_create
from claims.tasks import bulk_liquidate_all, periodic_liquidation_sweep, periodic_payment_batch
from members.models import Member
from tests.worker import WorkerProcess, _database_url, broker_purge, wait_for

FILES = 5000
MEMBERS = 600  # with spouses and children: about 1,600 beneficiaries, 1 to 9 files each
CHUNK = 25  # about 200 chunk tasks: long enough a run to strike in
STALE_LEASES = 8  # files left `liquidating` with an expired lease, as a worker dying mid-file would leave them
SEED = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(1, 10**6))
APP_NAME = "mutuelle-fault-injection-worker"  # the worker's connections are found (and cut) by this name
WORKER_QUEUES = "liquidation,periodic"  # notifications pile up unread; another worker serves them in production
FINAL = {ClaimStatus.LIQUIDATED, ClaimStatus.REJECTED, ClaimStatus.IN_REVIEW, ClaimStatus.FORWARDED}
LEASE_TAKE_BACK = "Liquidation lease expired: the worker stopped; queued again."
D0 = Decimal("0.00")


def _broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)


def _broker_idle() -> bool:
    """Nothing queued, nothing held unacked by a worker: every task sent has run."""
    try:
        broker = _broker()
        return not (broker.llen("liquidation") or broker.llen("periodic") or broker.hlen("unacked"))
    except redis.ConnectionError:
        return False


def _worker_backends(*, busy: bool) -> list[tuple[int, str]]:
    """The worker's own connections to the test database (never ours, never another test run's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND application_name = %s AND backend_type = 'client backend' "
            "AND (NOT %s OR state IN ('active', 'idle in transaction'))",
            [settings.DATABASES["default"]["NAME"], APP_NAME, busy],
        )
        return cursor.fetchall()


def _worker_backends_terminate() -> list[int]:
    """Cuts the worker's busy connections. pg_terminate_backend() stays in the select list of a materialized
    CTE: inside a WHERE clause the planner may call it before the other filters, on every backend of the server."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH worker AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid() AND application_name = %s AND backend_type = 'client backend' "
            "AND state IN ('active', 'idle in transaction')) "
            "SELECT pid, pg_terminate_backend(pid) FROM worker",
            [settings.DATABASES["default"]["NAME"], APP_NAME],
        )
        return [pid for pid, terminated in cursor.fetchall() if terminated]


def _done() -> int:
    return ClaimFile.objects.filter(status__in=FINAL).count()


@dataclass
class Workers:
    """Real worker processes, one at a time, each replacing a killed one; all stopped at teardown."""

    started: list[WorkerProcess] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)

    @property
    def current(self) -> WorkerProcess:
        return self.started[-1]

    def start(self) -> WorkerProcess:
        worker = WorkerProcess(name=f"faults{len(self.started) + 1}", concurrency=2, queues=WORKER_QUEUES,
                               database_url=f"{_database_url()}?application_name={APP_NAME}")
        self.started.append(worker.start())
        return worker

    def supervise(self) -> None:
        """What the production supervisor does (docker-compose `restart: unless-stopped`): a worker that exited on
        its own is started again. The kills of this test restart their worker themselves."""
        process = self.current.process
        if process is not None and process.poll() is not None:
            last = [line for line in self.current.log.read_text().splitlines() if "CRITICAL" in line or "ERROR" in line]
            self.crashes.append(f"{self.current.name} exited with {process.returncode}: {last[-1:]}")
            print(f"  supervisor: {self.crashes[-1]}; starting another worker")
            self.start()

    def log_lines(self) -> list[str]:
        return [line for worker in self.started for line in worker.log.read_text().splitlines()]


@pytest.fixture
def workers(transactional_db, own_broker) -> Iterator[Workers]:
    broker_purge()
    pool = Workers()
    yield pool
    for worker in pool.started:
        worker.stop()
    broker_purge()


def _expected() -> dict[int, tuple]:
    """The clean result, computed with no side effect: the bulk path's dry run over every received file (same
    loader, same engine, rolled back). Per file: (status, totals, per-line results in position order)."""
    beneficiaries = list(ClaimFile.objects.filter(status=ClaimStatus.RECEIVED).values_list("beneficiary_id",
                                                                                           flat=True).distinct())
    report = liquidation_chunk_run(beneficiary_ids=beneficiaries, write=False)
    assert report.files == FILES and ClaimFile.objects.filter(status=ClaimStatus.RECEIVED).count() == FILES
    expected = {}
    for item in report.priced:
        r = item.result
        totals = (r.total_base, r.total_amo, r.total_complementary, r.total_reimbursed) if r else (D0,) * 4
        lines = tuple((x.accepted, x.accepted_quantity, x.base, x.amo_amount, x.complementary_amount,
                       list(x.reasons)) for x in r.lines) if r else ()
        expected[item.file.id] = (str(item.status), totals, lines)
    return expected


def _actual() -> dict[int, tuple]:
    lines = defaultdict(list)
    for claim_id, *values in ClaimLine.objects.order_by("claim_id", "position").values_list(
        "claim_id", "accepted", "accepted_quantity", "base_amount", "amo_amount", "complementary_amount",
        "reason_codes",
    ):
        lines[claim_id].append(tuple(values))
    return {
        # A file the engine could not price (in review, no result) keeps unpriced lines: compared as none.
        pk: (status, (base, amo, comp, reimbursed), tuple(lines[pk]) if lines[pk][0][0] is not None else ())
        for pk, status, base, amo, comp, reimbursed in ClaimFile.objects.values_list(
            "pk", "status", "total_base", "total_amo", "total_complementary", "total_reimbursed")
    }


def _stale_leases_plant(rng: random.Random) -> list[int]:
    """Files of single-file beneficiaries left `liquidating` with a lease that ran out an hour ago and the history
    row of their move, as a worker that died holding them would leave them (the shipped paths commit that move
    only together with the outcome; this is the state the sweep's lease take-back exists for)."""
    singles = sorted(ClaimFile.objects.values("beneficiary_id").annotate(n=Count("pk")).filter(n=1)
                     .values_list("beneficiary_id", flat=True))
    ids = list(ClaimFile.objects.filter(beneficiary_id__in=rng.sample(singles, STALE_LEASES))
               .values_list("pk", flat=True))
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ClaimFile.objects.filter(pk__in=ids).update(status=ClaimStatus.LIQUIDATING, lease_until=an_hour_ago,
                                                updated_at=an_hour_ago)
    StatusChange.objects.bulk_create([
        StatusChange(claim_id=pk, from_status=ClaimStatus.RECEIVED, to_status=ClaimStatus.LIQUIDATING,
                     changed_at=an_hour_ago) for pk in ids
    ])
    return ids


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_bulk_liquidation_struck_by_kills_a_cut_connection_and_a_redis_restart_ends_as_a_clean_run(
    workers, own_broker
):
    rng = random.Random(SEED)
    print(f"\nfault injection seed: {SEED} (replay with FAULTS_SEED={SEED})")
    started = time.monotonic()
    generate(files=FILES, members=MEMBERS, seed=SEED)
    per_beneficiary = Counter(ClaimFile.objects.values_list("beneficiary_id", flat=True))
    assert max(per_beneficiary.values()) >= 4, "order and history across a beneficiary's files must matter"
    expected = _expected()
    stale = _stale_leases_plant(rng)
    print(f"data set and clean result: {time.monotonic() - started:.1f} s")

    # Seeded schedule: each fault strikes once the run has reached a random share of the files, after a random
    # delay, and (for kills and the connection cut) at a moment a worker is inside a transaction.
    schedule = [("kill", rng.uniform(0.05, 0.15)), ("pg_terminate", rng.uniform(0.2, 0.3)),
                ("kill", rng.uniform(0.35, 0.5)), ("kill", rng.uniform(0.55, 0.7)), ("redis", rng.uniform(0.8, 0.9))]
    schedule = [(fault, share, round(rng.uniform(0.0, 0.4), 3)) for fault, share in schedule]
    print("schedule (fault, share of files done, delay s):", schedule)

    workers.start()
    bulk_liquidate_all.delay(chunk=CHUNK)
    strikes = []
    for fault, share, delay in schedule:
        wait_for(lambda share=share: workers.supervise() or _done() >= share * FILES, timeout=180,
                 what=f"{share:.0%} of the files")
        time.sleep(delay)
        if fault in ("kill", "pg_terminate"):
            busy = wait_for(lambda: _worker_backends(busy=True), every=0.002, timeout=30,
                            what="a worker inside a transaction")
        if fault == "kill":
            workers.current.kill()
            hit = f"killed {workers.current.name} while its backends {busy} were busy"
            workers.start()
        elif fault == "pg_terminate":
            terminated = wait_for(_worker_backends_terminate, every=0.002, timeout=30, what="a connection to cut")
            hit = f"terminated backends {terminated}"
        else:
            hit = f"Redis down for {own_broker.restart():.2f} s"
        received = ClaimFile.objects.filter(status=ClaimStatus.RECEIVED).count()
        strikes.append((fault, received, hit))
        print(f"  {fault}: {hit}; {received} files still received")
        assert received > 0, f"{fault} struck after the run was over: it tested nothing"

    # Recovery: the periodic sweep alone (every queued chunk died with Redis), sent until nothing is left.
    print(f"faults done: {time.monotonic() - started:.1f} s")
    rounds = 0
    while ClaimFile.objects.exclude(status__in=FINAL).exists():
        rounds += 1
        assert rounds <= 20, "the sweep never recovered every file"
        periodic_liquidation_sweep.delay(older_than_seconds=0)
        wait_for(lambda: workers.supervise() or _broker_idle(), every=0.1, timeout=300,
                 what=f"the files queued by sweep round {rounds}")
    print(f"recovered after {rounds} sweep rounds; {time.monotonic() - started:.1f} s since generation started; "
          f"workers that died on their own: {workers.crashes or 'none'}")
    assert rounds >= 1 and len(workers.started) == 4 + len(workers.crashes)

    # Exactly once: each file's history is one liquidation (received -> liquidating -> outcome), preceded only by
    # lease take-backs (liquidating -> received, written by the sweep), and its result was written once.
    moves = defaultdict(list)
    for claim_id, from_status, to_status, reason in StatusChange.objects.order_by(
        "claim_id", "changed_at", "pk"  # the order a file's history is shown in (StatusChange.Meta.ordering)
    ).values_list("claim_id", "from_status", "to_status", "reason"):
        moves[claim_id].append((from_status, to_status, reason))
    outcome = {pk: status for pk, status in ClaimFile.objects.values_list("pk", "status")}
    taken_back = {}
    for claim_id, status in outcome.items():
        history = moves[claim_id]
        backs = sum(1 for move in history if move[:2] == ("liquidating", "received"))
        assert all(move[2] == LEASE_TAKE_BACK for move in history if move[:2] == ("liquidating", "received"))
        assert [move[:2] for move in history] == [("received", "liquidating"), ("liquidating", "received")] * backs + [
            ("received", "liquidating"), ("liquidating", status)], f"file {claim_id}: {history}"
        taken_back[claim_id] = backs
    assert {pk for pk, n in taken_back.items() if n} == set(stale)
    assert set(taken_back[pk] for pk in stale) == {1}
    assert set(ClaimFile.objects.values_list("liquidation_attempts", flat=True)) == {1}, "a file was priced twice"
    assert not ClaimFile.objects.filter(lease_until__isnull=False).exists()

    # The amounts (and every line's result) equal the clean run's, to the centime.
    actual = _actual()
    assert len(actual) == FILES
    differing = [pk for pk in expected if actual[pk] != expected[pk]]
    examples = [(pk, expected[pk], actual[pk]) for pk in differing[:3]]
    assert not differing, f"{len(differing)} files differ from the clean run, e.g. {examples}"
    totals = ClaimFile.objects.aggregate(amo=Sum("total_amo"), comp=Sum("total_complementary"),
                                         reimbursed=Sum("total_reimbursed"))
    assert totals["reimbursed"] == sum((e[1][3] for e in expected.values()), D0) > 0
    assert totals["amo"] == sum((e[1][1] for e in expected.values()), D0)
    assert totals["comp"] == sum((e[1][2] for e in expected.values()), D0)
    statuses = Counter(e[0] for e in expected.values())
    assert statuses["liquidated"] and statuses["rejected"] and statuses["forwarded"]
    print("outcomes:", dict(statuses), "total reimbursed:", totals["reimbursed"])

    # Payments: two jobs on the worker's two processes and two threads here, all at once; then a fifth run.
    valid_iban = {pk for pk, iban in Member.objects.values_list("pk", "iban") if iban_is_valid(iban)}
    member_of = dict(ClaimFile.objects.values_list("pk", "member_id"))
    payable = {pk: e[1][3] for pk, e in expected.items()
               if e[0] == "liquidated" and e[1][3] > 0 and member_of[pk] in valid_iban}
    barrier = threading.Barrier(2)

    def pay() -> None:
        try:
            barrier.wait()
            payment_batch_create()
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    periodic_payment_batch.delay()
    periodic_payment_batch.delay()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for(lambda: sum(1 for line in workers.log_lines() if "periodic_payment_batch" in line and "succeeded" in line)
             == 2, timeout=120, what="both payment jobs")
    wait_for(_broker_idle, timeout=60, what="the payment jobs")
    assert payment_batch_create() is None, "a fifth run found something left to pay"

    paid = dict(PaidFile.objects.values_list("claim_id", "amount"))
    assert PaidFile.objects.count() == len(paid) == len(payable), "a file is in two transfers, or one is missing"
    assert paid == payable
    assert not PaidFile.objects.exclude(claim__status=ClaimStatus.LIQUIDATED).exists()
    per_transfer = dict(PaidFile.objects.values("transfer_id").annotate(s=Sum("amount")).values_list("transfer_id",
                                                                                                   "s"))
    transfers = list(Transfer.objects.values_list("pk", "batch_id", "member_id", "amount"))
    assert all(per_transfer[pk] == amount for pk, _, _, amount in transfers)
    assert len({(batch, member) for _, batch, member, _ in transfers}) == len(transfers)  # one per member per batch
    assert all(member_of_paid in valid_iban for _, _, member_of_paid, _ in transfers)
    batch_totals = PaymentBatch.objects.aggregate(total=Sum("total"))["total"]
    assert batch_totals == sum(payable.values(), D0) == sum(amount for *_, amount in transfers)
    print(f"payments: {PaymentBatch.objects.count()} batches, {len(transfers)} transfers, {len(paid)} files, "
          f"{batch_totals} MAD; strikes: {strikes}")
