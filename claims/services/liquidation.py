"""Liquidation writes: the per-file path (a worker task per received file), the sweep, and the shared pricing step.

Whoever prices a beneficiary's files holds that beneficiary's row lock (SELECT ... FOR UPDATE) for the whole
transaction, and takes the beneficiary's `received` files in order (received_on, created_at). Results, totals
and statuses are written in the same transaction, so a worker killed at any moment leaves the files
`received` (the transaction rolls back) and the sweep queues them again: nothing is lost, nothing priced twice.
"""

import csv
import hashlib
import io
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims.liquidation import ClaimInput, ClaimResult, HistoryLine, InvalidClaimInput, ReferenceDataError, liquidate
from claims.liquidation.reference import ReferenceData
from claims.models import ClaimFile, ClaimLine, ClaimStatus, RuleParameters
from claims.services.liquidation_loader import (
    BeneficiaryContext,
    PendingFile,
    beneficiary_of_claim_lock,
    facts_complete,
    pending_files_lock,
    reference_data,
)
from claims.status import InvalidTransition, claim_set_status

logger = logging.getLogger(__name__)

# A file still `received` this long after its last move was missed by its task (lost message, dead worker).
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_LIMIT = 2000
CONTROL_SAMPLE = "Documents check: drawn in the control sample; a liquidator checks the documents before payment."
CONTROL_AMOUNT = "Documents check: online file above the amount threshold; a liquidator checks the documents."


@dataclass(slots=True)
class Priced:
    """One file's outcome: the engine's result, or why the file could not be priced (`error`)."""

    file: PendingFile
    result: ClaimResult | None
    error: str = ""
    control: str = ""  # "sample" / "amount": a liquidator checks the documents before payment

    @property
    def status(self) -> str:
        if self.result is None or self.control:
            return ClaimStatus.IN_REVIEW
        return self.result.status

    @property
    def control_reason(self) -> str:
        if self.result is None:
            return "failure"
        return self.control or ("threshold" if self.result.status == ClaimStatus.IN_REVIEW else "")


@dataclass(frozen=True, slots=True)
class Controls:
    """Documents check before payment (reference data): a deterministic sample of `rate` of the priced files
    (by file id, so a dry run and the real run agree) and every online file billed above `online_above`."""

    rate: Decimal = Decimal("0")
    online_above: Decimal | None = None

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


def _sampled(claim_id: int, rate: Decimal) -> bool:
    digest = hashlib.sha256(f"documents-check:{claim_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10_000 < int(rate * 10_000)


def control_reasons_write(priced: list["Priced"]) -> None:
    by_reason: dict[str, list[int]] = {}
    for item in priced:
        if item.control_reason:
            by_reason.setdefault(item.control_reason, []).append(item.file.id)
    for reason, ids in by_reason.items():
        ClaimFile.objects.filter(pk__in=ids).update(control_reason=reason)


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


def rows_execute(sql: str, rows: list[tuple], columns: str, params: dict | None = None, *,
                 fetch: bool = False) -> list[tuple]:
    """Runs `sql` over `rows` loaded as the temporary table `v` (`columns`: "id bigint, status text, ..."), loaded
    with COPY through psycopg2's `copy_expert`: the csv module quotes every value, nothing is built by hand, and a
    chunk of thousands of rows costs one COPY and one statement (faster than a VALUES list, and than
    `execute_values`, whose per-row mogrify measured three times slower here). Other parameters are named
    (`%(now)s`) in `params`."""
    out = io.StringIO()
    csv.writer(out).writerows([r"\N" if value is None else value for value in row] for row in rows)
    out.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor, under Django's wrapper
        raw.execute(f"DROP TABLE IF EXISTS v; CREATE TEMPORARY TABLE v ({columns})")
        raw.copy_expert(r"COPY v FROM STDIN WITH (FORMAT csv, NULL '\N')", out)
        raw.execute(sql, params or {})
        result = raw.fetchall() if fetch else []
        raw.execute("DROP TABLE v")
    return result


def lines_write(priced: list[Priced]) -> int:
    """Writes every line's result in one statement (UPDATE ... FROM VALUES on PostgreSQL)."""
    rows = []
    for item in priced:
        if item.result is None:
            continue
        for line_id, r in zip(item.file.line_ids, item.result.lines, strict=False):
            rows.append((line_id, r.accepted, r.accepted_quantity, r.accepted_billed_amount, r.base, r.amo_amount,
                         r.complementary_amount, json.dumps(list(r.reasons)),
                         json.dumps([s.as_json() for s in r.explanation])))
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        rows_execute(
            f"UPDATE {ClaimLine._meta.db_table} AS l SET accepted = v.accepted, accepted_quantity = v.q, "
            "accepted_billed_amount = v.billed, base_amount = v.base, amo_amount = v.amo, "
            "complementary_amount = v.comp, reason_codes = v.reasons, explanation = v.why FROM v WHERE l.id = v.id",
            rows, "id bigint, accepted boolean, q integer, billed numeric, base numeric, amo numeric, comp numeric, "
                  "reasons jsonb, why jsonb",
        )
        return len(rows)
    lines = [ClaimLine(pk=row[0], accepted=row[1], accepted_quantity=row[2], accepted_billed_amount=row[3],
                       base_amount=row[4], amo_amount=row[5], complementary_amount=row[6],
                       reason_codes=json.loads(row[7]), explanation=json.loads(row[8])) for row in rows]
    ClaimLine.objects.bulk_update(lines, ["accepted", "accepted_quantity", "accepted_billed_amount", "base_amount",
                                          "amo_amount", "complementary_amount", "reason_codes", "explanation"])
    return len(rows)


def claims_write(priced: list[Priced], *, expected_status: str, set_status: bool) -> list[int]:
    """Writes totals (and, with `set_status`, the new status) of files still in `expected_status`, in one
    statement. Returns the ids written: a file someone else moved meanwhile is left alone."""
    if not priced:
        return []
    now = timezone.now()
    zero = Decimal("0.00")
    rows = []
    for item in priced:
        r = item.result
        totals = (r.total_base, r.total_amo, r.total_complementary, r.total_reimbursed) if r else (zero,) * 4
        rows.append((item.file.id, item.status, *totals))
    status_sql = "status = v.status, " if set_status else ""
    if connection.vendor == "postgresql":
        written_rows = rows_execute(
            f"UPDATE {ClaimFile._meta.db_table} AS c SET {status_sql}total_base = v.base, total_amo = v.amo, "
            "total_complementary = v.comp, total_reimbursed = v.reimbursed, liquidated_at = %(now)s, "
            "lease_until = NULL, liquidation_attempts = c.liquidation_attempts + 1, updated_at = %(now)s "
            "FROM v WHERE c.id = v.id AND c.status = %(expected)s RETURNING c.id",
            rows, "id bigint, status text, base numeric, amo numeric, comp numeric, reimbursed numeric",
            {"now": now, "expected": expected_status}, fetch=True,
        )
        return [row[0] for row in written_rows]
    written = []
    for pk, status, base, amo, comp, reimbursed in rows:
        fields = {"total_base": base, "total_amo": amo, "total_complementary": comp, "total_reimbursed": reimbursed,
                  "liquidated_at": now, "lease_until": None, "updated_at": now}
        if set_status:
            fields["status"] = status
        if ClaimFile.objects.filter(pk=pk, status=expected_status).update(**fields):
            written.append(pk)
    return written


# --- the per-file path -----------------------------------------------------------------------------------------


def _claim_stub(pending: PendingFile, status: str) -> ClaimFile:
    # claim_set_status needs the id, the status seen and the code for its error message: no extra query.
    return ClaimFile(pk=pending.id, tracking_code=pending.tracking_code, status=status,
                     member_id=pending.member_id, beneficiary_id=pending.beneficiary_id)


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
    with transaction.atomic():
        contexts = beneficiary_of_claim_lock(claim_id=claim_id)
        files = pending_files_lock(contexts)
        target = next((f for f in files if f.id == claim_id), None)
        if target is None:
            return None
        for context in contexts.values():
            context.files = [f for f in context.files if f.order_key <= target.order_key]
        reference = reference_data()
        facts_complete(contexts, reference)
        priced = contexts_price(contexts.values(), reference)
        Controls.in_force().apply(priced)
        for item in priced:
            claim_set_status(claim=_claim_stub(item.file, ClaimStatus.RECEIVED), to_status=ClaimStatus.LIQUIDATING,
                             notify=False)
        lines_write(priced)
        claims_write(priced, expected_status=ClaimStatus.LIQUIDATING, set_status=False)
        control_reasons_write(priced)
        for item in priced:
            reason = item.error or ({"sample": CONTROL_SAMPLE, "amount": CONTROL_AMOUNT}.get(item.control, ""))
            code = "PRICING_FAILED" if item.error else {"sample": "CONTROL_SAMPLE", "amount": "CONTROL_AMOUNT"}.get(
                item.control or "", "")
            claim_set_status(claim=_claim_stub(item.file, ClaimStatus.LIQUIDATING), to_status=item.status,
                             reason=reason, reason_code=code)
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
