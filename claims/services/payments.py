"""Payment batches: liquidated, unpaid files grouped per member into one bank transfer each, exactly once.

Exactly once rests on the database, not on the job running once: PaidFile.claim is unique, the files are
locked (FOR UPDATE SKIP LOCKED) while a batch takes them, and confirming a batch is a conditional UPDATE.
"""

import csv
import io
import secrets
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from claims.models import BatchStatus, ClaimFile, ClaimStatus, PaidFile, PaymentBatch, Transfer
from claims.status import InvalidTransition, claim_set_status
from members.identifiers import normalize_iban, validate_moroccan_iban
from members.models import Member

ZERO = Decimal("0.00")
CSV_HEADER = ["iban", "name", "amount", "reference"]


class BatchStateError(Exception):
    """The batch is not in the state this action needs (already exported, already confirmed...)."""


def iban_is_valid(iban: str) -> bool:
    if not iban:
        return False
    try:
        validate_moroccan_iban(iban)
    except ValidationError:
        return False
    return True


def payable_files() -> QuerySet[ClaimFile]:
    """Liquidated files with money to pay that no transfer holds yet."""
    return ClaimFile.objects.filter(status=ClaimStatus.LIQUIDATED, total_reimbursed__gt=0, paid_file__isnull=True)


def members_waiting_for_iban() -> QuerySet[Member]:
    """Members with payable files but no valid IBAN: they wait, flagged here (two queries at most)."""
    waiting = payable_files().values("member_id")
    candidates = Member.objects.filter(pk__in=waiting).annotate(
        waiting_amount=Sum("claim_files__total_reimbursed", filter=_payable_q())
    ).order_by("last_name", "first_name")
    invalid = [m.pk for m in candidates.only("pk", "iban") if not iban_is_valid(m.iban)]
    return candidates.filter(pk__in=invalid)


def _payable_q() -> Q:
    return Q(claim_files__status=ClaimStatus.LIQUIDATED, claim_files__total_reimbursed__gt=0,
             claim_files__paid_file__isnull=True)


def _batch_reference(today: date) -> str:
    return f"PB-{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def payment_batch_create(*, today: date | None = None) -> PaymentBatch | None:
    """Puts every payable file of members with a valid IBAN into a new batch, one transfer per member.
    Returns None when there is nothing to pay. Safe to run twice or concurrently: a file already locked by
    another run is skipped, a file already in a transfer is not payable, and PaidFile.claim is unique."""
    today = today or timezone.localdate()
    rows = list(
        payable_files()
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("member_id", "received_on", "pk")
        .values_list("pk", "member_id", "total_reimbursed")
    )
    if not rows:
        return None
    members = Member.objects.in_bulk({member_id for _, member_id, _ in rows})
    files_by_member: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for claim_id, member_id, amount in rows:
        if iban_is_valid(members[member_id].iban):
            files_by_member[member_id].append((claim_id, amount))
    if not files_by_member:
        return None
    batch = PaymentBatch.objects.create(reference=_batch_reference(today))
    transfers = Transfer.objects.bulk_create([
        Transfer(batch=batch, member_id=member_id, iban=normalize_iban(members[member_id].iban),
                 amount=sum((amount for _, amount in files), ZERO),
                 reference=f"{batch.reference}-{members[member_id].membership_number}")
        for member_id, files in files_by_member.items()
    ])
    PaidFile.objects.bulk_create([
        PaidFile(claim_id=claim_id, transfer=transfer, amount=amount)
        for transfer in transfers
        for claim_id, amount in files_by_member[transfer.member_id]
    ])
    batch.total = sum((t.amount for t in transfers), ZERO)
    batch.save(update_fields=["total"])
    return batch


def payment_batch_csv(*, batch: PaymentBatch) -> str:
    """The bank transfer file (see README, "Payment batches"): UTF-8, comma-separated, a header line, then one
    line per transfer: IBAN without spaces, member's name, amount with a dot and two decimals, reference."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for transfer in batch.transfers.select_related("member").order_by("reference"):
        member = transfer.member
        writer.writerow([transfer.iban, f"{member.last_name} {member.first_name}".upper(),
                         f"{transfer.amount:.2f}", transfer.reference])
    return out.getvalue()


def payment_batch_export(*, batch: PaymentBatch) -> str:
    """The CSV; the first export moves the batch to `exported` (later exports give the same file again)."""
    if batch.status == BatchStatus.CONFIRMED:
        raise BatchStateError("a confirmed batch is not exported again")
    PaymentBatch.objects.filter(pk=batch.pk, status=BatchStatus.OPEN).update(status=BatchStatus.EXPORTED)
    batch.refresh_from_db(fields=["status"])
    return payment_batch_csv(batch=batch)


@transaction.atomic
def payment_batch_confirm(*, batch: PaymentBatch, by=None) -> int:
    """The bank confirmed the transfers: the batch's files become `paid`. Confirming twice does nothing.
    Returns the number of files moved."""
    moved = PaymentBatch.objects.filter(pk=batch.pk, status=BatchStatus.EXPORTED).update(
        status=BatchStatus.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=by
    )
    if not moved:
        batch.refresh_from_db(fields=["status"])
        if batch.status == BatchStatus.CONFIRMED:
            return 0
        raise BatchStateError("export the batch before confirming it")
    count = 0
    claims = ClaimFile.objects.filter(paid_file__transfer__batch=batch).only("pk", "status", "tracking_code")
    for claim in claims.select_for_update(of=("self",)):
        try:
            claim_set_status(claim=claim, to_status=ClaimStatus.PAID, by=by,
                             reason=f"Paid by transfer in batch {batch.reference}.")
            count += 1
        except InvalidTransition:
            continue
    batch.refresh_from_db()
    return count
