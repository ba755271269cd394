"""Liquidation writes: the per-file path (a worker task per received file), the sweep, and the shared pricing step.

Whoever prices a beneficiary's files holds that beneficiary's row lock (SELECT ... FOR UPDATE) for the whole
transaction, and takes the beneficiary's `received` files in order (received_on, created_at). Results, totals
and statuses are written in the same transaction, so a worker killed at any moment leaves the files
`received` (the transaction rolls back) and the sweep queues them again: nothing is lost, nothing priced twice.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims.liquidation import ClaimInput, HistoryLine, InvalidClaimInput, ReferenceDataError, liquidate
from claims.liquidation.reference import ReferenceData
from claims.models import ClaimFile, ClaimStatus, RuleParameters
from claims.services.liquidation_loader import (
    BeneficiaryContext,
    beneficiary_of_claim_lock,
    beneficiary_of_claim_lock_full,
    beneficiary_of_claim_lock_stamped,
    facts_complete,
    pending_files_lock,
    pending_files_with_lines_lock,
)
from claims.services.liquidation_reference import reference_data
from claims.status import InvalidTransition, claim_set_status

from .liquidation_write import (  # noqa: F401 - re-exported: the bulk path and the bench import them from here
    CONTROL_AMOUNT,
    CONTROL_SAMPLE,
    SMALL,
    Priced,
    claims_write,
    lines_write,
    priced_write,
    priced_write_one_statement,
    rows_execute,
)

logger = logging.getLogger(__name__)

# A file still `received` this long after its last move was missed by its task (lost message, dead worker).
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Controls:
    """Documents check before payment (reference data): a deterministic sample of `rate` of the priced files
    (by file id, so a dry run and the real run agree) and every online file billed above `online_above`."""

    rate: Decimal = Decimal("0")
    online_above: Decimal | None = None

    @classmethod
    def cached(cls, reference: ReferenceData) -> "Controls":
        """`in_force()`, read again only when the reference data (rule parameters included) changed or the day
        did (`reference` is the per-process cached object, replaced when its version stamp moves)."""
        global _controls_cache
        # The object itself, not id(): a freed reference data's id is reused by the next one (seen in the tests).
        key = (reference, timezone.localdate())
        cached = _controls_cache
        if cached is None or cached[0][0] is not reference or cached[0][1] != key[1]:
            cached = _controls_cache = (key, cls.in_force())
        return cached[1]

    @classmethod
    def in_force(cls) -> "Controls":
        row = (RuleParameters.objects.filter(effective_from__lte=timezone.localdate()).order_by("-effective_from")
               .values("documents_check_rate", "documents_check_above").first())
        if row is None:
            return cls()
        return cls(row["documents_check_rate"], row["documents_check_above"])

    def apply(self, priced: list["Priced"]) -> None:
        for item in priced:
            if item.result is None or item.result.status != ClaimStatus.LIQUIDATED or item.result.total_reimbursed <= 0:
                continue
            if (self.online_above is not None and item.file.channel == "online"
                    and item.file.total_billed > self.online_above):
                item.control = "amount"
            elif self.rate > 0 and _sampled(item.file.id, self.rate):
                item.control = "sample"


_controls_cache: tuple[tuple, Controls] | None = None


def liquidation_process_warm() -> None:
    """What the first per-file task of every process would otherwise pay once, without the database: the URLconf
    the notices' links are reversed from (importing every app's URLs, the API and FHIR schemas: ~1.8 s of CPU).
    A worker runs it in its main process before the pool forks (mutuelle/celery.py), so no child pays it."""
    from django.urls import reverse

    reverse("claims:member_claim", args=[0])


def liquidation_caches_warm() -> None:
    """Loads what a worker process caches (reference data, controls), as its first task does."""
    liquidation_process_warm()
    Controls.cached(reference_data())


def _sampled(claim_id: int, rate: Decimal) -> bool:
    digest = hashlib.sha256(f"documents-check:{claim_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000 < int(rate * 10_000)


def contexts_price(contexts: Iterable[BeneficiaryContext], reference: ReferenceData) -> list[Priced]:
    """Runs the engine on every context's files in order; each file's accepted lines join the history of the
    next. Pure: no query. Both the per-file and the bulk path price through this function."""
    priced: list[Priced] = []
    for context in contexts:
        for pending in context.files:
            try:
                claim = ClaimInput(pending.received_on, pending.sector, tuple(pending.lines), pending.sister_mutual)
                result = liquidate(claim=claim, affiliations=context.affiliations, beneficiary=context.facts,
                                   agreements=context.agreements, history=context.history, reference=reference)
            except (InvalidClaimInput, ReferenceDataError, ArithmeticError, ValueError) as error:
                # Intake refuses bad input; if some slipped through, a liquidator looks at it instead of a crash loop.
                priced.append(Priced(pending, None, f"{type(error).__name__}: {error}"))
                continue
            for line, line_result in zip(pending.lines, result.lines, strict=False):
                if line_result.accepted:
                    context.history.append(HistoryLine(line.act_code, line.care_date, line_result.accepted_quantity,
                                                       line.billed_amount, line_result.amo_amount))
            priced.append(Priced(pending, result))
    return priced


# --- set-based writes ------------------------------------------------------------------------------------------


# --- the per-file path -----------------------------------------------------------------------------------------


# Failures of the infrastructure (database gone, connection cut) are not the file's fault: never counted.
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)


def claim_liquidate(*, claim_id: int) -> str | None:
    """Prices file `claim_id` if it is still `received`, together with any earlier `received` file of the same
    beneficiary (they come first). Returns the file's new status, or None when there was nothing to do
    (already priced, or no longer received): running it twice pays nothing twice.

    No poison: when pricing fails, the beneficiary's files are taken one at a time, oldest first; a file that
    fails has its attempt counted and, after `max_liquidation_attempts` failures (reference data), goes to
    `in_review` with its error, so the files after it go on. A constant number of queries per file."""
    try:
        return _claim_liquidate(claim_id=claim_id)
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception:
        logger.exception("liquidation of file %s failed; pricing its beneficiary's files one by one", claim_id)
    for _round in range(SWEEP_LIMIT):
        head = _head_of(claim_id)
        if head is None:  # the file is no longer waiting (priced or set aside meanwhile)
            return ClaimFile.objects.filter(pk=claim_id).values_list("status", flat=True).first()
        try:
            status = _claim_liquidate(claim_id=head)
        except INFRASTRUCTURE_ERRORS:
            raise
        except Exception as error:
            logger.exception("liquidation of file %s failed", head)
            if not _failure_record(claim_id=head, error=error):
                return None  # counted: the sweep tries again later
            continue  # set aside: the next file of the beneficiary goes on
        if head == claim_id:
            return status
    return None  # pragma: no cover


def _head_of(claim_id: int) -> int | None:
    """The oldest `received` file of the beneficiary of `claim_id`, if `claim_id` itself is still received."""
    target = ClaimFile.objects.filter(pk=claim_id, status=ClaimStatus.RECEIVED).values("beneficiary_id").first()
    if target is None:
        return None
    return (ClaimFile.objects.filter(beneficiary_id=target["beneficiary_id"], status=ClaimStatus.RECEIVED)
            .order_by("received_on", "created_at", "pk").values_list("pk", flat=True).first())


def max_attempts(day=None) -> int:
    day = day or timezone.localdate()
    found = (RuleParameters.objects.filter(effective_from__lte=day).order_by("-effective_from")
             .values_list("max_liquidation_attempts", flat=True).first())
    if found is None:
        found = RuleParameters.objects.order_by("effective_from").values_list(
            "max_liquidation_attempts", flat=True).first()
    return found or 3


def _failure_record(*, claim_id: int, error: Exception) -> bool:
    """Counts a failed attempt on file `claim_id` (in its own transaction: the failed one rolled back) and sets
    the file aside (`in_review`, the error as reason) once it failed `max_attempts()` times. True when set aside."""
    text = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        beneficiary_of_claim_lock(claim_id=claim_id)
        claim = (ClaimFile.objects.select_for_update(of=("self",)).filter(pk=claim_id, status=ClaimStatus.RECEIVED)
                 .only("pk", "status", "tracking_code", "liquidation_attempts").first())
        if claim is None:
            return True
        attempts = claim.liquidation_attempts + 1
        ClaimFile.objects.filter(pk=claim_id).update(liquidation_attempts=attempts, liquidation_error=text,
                                                     updated_at=timezone.now())
        if attempts < max_attempts():
            return False
        claim_set_status(claim=claim, to_status=ClaimStatus.IN_REVIEW, notify=True,
                         reason=f"Liquidation failed {attempts} times; set aside for a liquidator. {text}",
                         reason_code="PRICING_FAILED")
        return True


def _claim_liquidate(*, claim_id: int) -> str | None:
    # PostgreSQL: the lock query also reads the stamp and the facts, the files come with their lines (4 reads
    # in all, whatever the relation and the acts). Elsewhere (SQLite demo): the portable reads.
    loaded = connection.vendor == "postgresql"
    with transaction.atomic():
        if loaded:
            contexts, stamp = beneficiary_of_claim_lock_full(claim_id=claim_id)
            files = pending_files_with_lines_lock(contexts)
        else:
            contexts, stamp = beneficiary_of_claim_lock_stamped(claim_id=claim_id)
            files = pending_files_lock(contexts)
        target = next((f for f in files if f.id == claim_id), None)
        if target is None:
            return None
        for context in contexts.values():
            context.files = [f for f in context.files if f.order_key <= target.order_key]
        reference = reference_data(version=stamp)
        facts_complete(contexts, reference, loaded=loaded)
        priced = contexts_price(contexts.values(), reference)
        Controls.cached(reference).apply(priced)
        # Set-based, as the bulk chunks: statuses move in the same statement as the totals (the received ->
        # liquidating -> outcome history rows in one INSERT), no savepoint, notifications in the outbox.
        if loaded and sum(len(item.file.line_ids) for item in priced) <= SMALL:
            priced_write_one_statement(priced)  # the same rows in one statement
        else:
            priced_write(priced, notify=True)
        return next(item.status for item in priced if item.file.id == claim_id)


def liquidation_sweep(*, older_than: timedelta = SWEEP_AFTER, limit: int = SWEEP_LIMIT) -> list[int]:
    """Takes back what was left behind and returns the ids to queue again: `liquidating` files whose lease
    ran out (their worker died) go back to `received`; `received` files untouched for `older_than` are queued.
    Their updated_at moves, so the next sweep does not queue them again before `older_than` has passed."""
    now = timezone.now()
    cutoff = now - older_than
    stale = ClaimFile.objects.filter(status=ClaimStatus.LIQUIDATING).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, updated_at__lt=cutoff)
    )
    taken_back = []
    for claim in stale.only("pk", "status", "tracking_code")[:limit]:
        try:
            claim_set_status(claim=claim, to_status=ClaimStatus.RECEIVED, notify=False,
                             reason="Liquidation lease expired: the worker stopped; queued again.",
                             reason_code="LEASE_EXPIRED")
            taken_back.append(claim.pk)
        except InvalidTransition:
            pass
    with transaction.atomic():
        ids = list(
            ClaimFile.objects.select_for_update(skip_locked=True)
            .filter(status=ClaimStatus.RECEIVED, updated_at__lte=cutoff)
            .order_by("received_on", "created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        ClaimFile.objects.filter(pk__in=ids).update(updated_at=now)
    return taken_back + ids
