"""Payment batches: everything liquidated and unpaid, from every source, grouped per payee into one bank
transfer each, exactly once.

A *source* is one kind of thing the mutual pays: sickness files (here), provident allowances and heirs' shares
(provident app), provider invoices (partners app). Each source lists its payables (locking them), then records
its own "paid" link from each paid item to its transfer; the link is unique on the item (a OneToOne), so the
database refuses to pay any item twice. The sources are named in settings.PAYMENT_SOURCES.

Exactly once rests on the database, not on the job running once: the links are unique, the items are locked
(FOR UPDATE SKIP LOCKED) while a batch takes them, and confirming a batch is a conditional UPDATE.
"""

import io
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from claims.models import BatchStatus, Channel, ClaimFile, ClaimStatus, PaidFile, PayeeKind, PaymentBatch, Transfer
from claims.status import InvalidTransition, claim_set_status
from members.identifiers import normalize_iban, validate_moroccan_iban
from members.models import Member
from mutuelle import csv_safe

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


# --- sources --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payee:
    """Who a transfer goes to. `key` is unique within `kind` (a member's id, an heir's row id, a provider's id);
    `reference` ends the transfer's reference (a membership number, H<id>, P<id>)."""

    kind: str
    key: str
    name: str
    iban: str
    reference: str
    member_id: int | None = None


@dataclass(frozen=True)
class Payable:
    """One item a source owes: its id in that source, the payee and the amount."""

    item_id: int
    payee: Payee
    amount: Decimal


class PaymentSource(Protocol):
    """What payment_batch_create needs from a kind of payable (see the module docstring)."""

    def lock_payables(self) -> list[Payable]:
        """The items to pay now, locked for this transaction (FOR UPDATE SKIP LOCKED), payees with a valid
        IBAN only (the others wait). Called inside payment_batch_create's transaction."""

    def link(self, *, paid: list[tuple[Payable, Transfer]]) -> None:
        """Records each item's unique "paid" link to its transfer."""

    def confirm(self, *, batch: PaymentBatch, by) -> int:
        """The bank paid the batch: moves the source's items of the batch to paid; returns how many moved."""


def member_payee(member: Member) -> Payee:
    return Payee(kind=PayeeKind.MEMBER, key=str(member.pk), name=f"{member.last_name} {member.first_name}",
                 iban=normalize_iban(member.iban), reference=member.membership_number, member_id=member.pk)


def payable_files() -> QuerySet[ClaimFile]:
    """Liquidated files with money to pay the member that no transfer holds yet. A provider's invoice (channel
    `provider`) is paid to the provider instead (partners.payments.ProviderInvoiceSource)."""
    return ClaimFile.objects.filter(status=ClaimStatus.LIQUIDATED, total_reimbursed__gt=0,
                                    paid_file__isnull=True).exclude(channel=Channel.PROVIDER)


class ClaimFileSource:
    """Sickness files: paid to the member, on his IBAN of the day the batch is made."""

    def lock_payables(self) -> list[Payable]:
        rows = list(
            payable_files()
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("member_id", "received_on", "pk")
            .values_list("pk", "member_id", "total_reimbursed")
        )
        members = Member.objects.in_bulk({member_id for _, member_id, _ in rows})
        payees = {pk: member_payee(m) for pk, m in members.items() if iban_is_valid(m.iban)}
        return [Payable(item_id=claim_id, payee=payees[member_id], amount=amount)
                for claim_id, member_id, amount in rows if member_id in payees]

    def link(self, *, paid: list[tuple[Payable, Transfer]]) -> None:
        PaidFile.objects.bulk_create([PaidFile(claim_id=p.item_id, transfer=t, amount=p.amount) for p, t in paid])

    def confirm(self, *, batch: PaymentBatch, by) -> int:
        count = 0
        claims = ClaimFile.objects.filter(paid_file__transfer__batch=batch).only("pk", "status", "tracking_code")
        for claim in claims.select_for_update(of=("self",)):
            try:
                claim_set_status(claim=claim, to_status=ClaimStatus.PAID, by=by,
                                 reason=f"Paid by transfer in batch {batch.reference}.", reason_code="PAID_IN_BATCH",
                                 reason_params={"batch": batch.reference})
                count += 1
            except InvalidTransition:
                continue
        return count


def payment_sources() -> list[PaymentSource]:
    paths = getattr(settings, "PAYMENT_SOURCES", ["claims.services.payments.ClaimFileSource"])
    return [import_string(path)() for path in paths]


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
             claim_files__paid_file__isnull=True) & ~Q(claim_files__channel=Channel.PROVIDER)


def _batch_reference(today: date) -> str:
    return f"PB-{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def payment_batch_create(*, today: date | None = None,
                         sources: Iterable[PaymentSource] | None = None) -> PaymentBatch | None:
    """Puts every payable item of every source (payees with a valid IBAN) into a new batch, one transfer per
    payee summing all that payee is owed. Returns None when there is nothing to pay. Safe to run twice or
    concurrently: an item already locked by another run is skipped, an item already in a transfer is not
    payable, and each source's paid link is unique on its item."""
    today = today or timezone.localdate()
    taken = [(source, source.lock_payables()) for source in (payment_sources() if sources is None else sources)]
    by_payee: dict[tuple[str, str], list[Payable]] = defaultdict(list)
    for _, payables in taken:
        for payable in payables:
            by_payee[(payable.payee.kind, payable.payee.key)].append(payable)
    if not by_payee:
        return None
    batch = PaymentBatch.objects.create(reference=_batch_reference(today))
    transfers = Transfer.objects.bulk_create([
        Transfer(batch=batch, payee_kind=items[0].payee.kind, payee_key=items[0].payee.key,
                 payee_name=items[0].payee.name[:210], member_id=items[0].payee.member_id, iban=items[0].payee.iban,
                 amount=sum((item.amount for item in items), ZERO),
                 reference=f"{batch.reference}-{items[0].payee.reference}")
        for items in by_payee.values()
    ])
    transfer_of = {(t.payee_kind, t.payee_key): t for t in transfers}
    for source, payables in taken:
        if payables:
            source.link(paid=[(p, transfer_of[(p.payee.kind, p.payee.key)]) for p in payables])
    batch.total = sum((t.amount for t in transfers), ZERO)
    batch.save(update_fields=["total"])
    return batch


def payment_batch_csv(*, batch: PaymentBatch) -> str:
    """The bank transfer file (see README, "Payment batches"): UTF-8, comma-separated, a header line, then one
    line per transfer: IBAN without spaces, payee's name in capitals, amount with a dot and two decimals,
    reference."""
    out = io.StringIO()
    writer = csv_safe.writer(out, lineterminator="\r\n")  # names cannot become formulas
    writer.writerow(CSV_HEADER)
    for transfer in batch.transfers.order_by("reference"):
        writer.writerow([transfer.iban, transfer.payee_name.upper(), f"{transfer.amount:.2f}", transfer.reference])
    return out.getvalue()


def payment_batch_mark_exported(*, batch: PaymentBatch) -> None:
    """The first export (of either file) moves the batch to `exported`; later exports give the same file again."""
    if batch.status == BatchStatus.CONFIRMED:
        raise BatchStateError("a confirmed batch is not exported again")
    PaymentBatch.objects.filter(pk=batch.pk, status=BatchStatus.OPEN).update(status=BatchStatus.EXPORTED)
    batch.refresh_from_db(fields=["status"])


def payment_batch_export(*, batch: PaymentBatch) -> str:
    """The CSV report; the bank's own file is `bank_file.payment_batch_export_pain001`."""
    payment_batch_mark_exported(batch=batch)
    return payment_batch_csv(batch=batch)


@transaction.atomic
def payment_batch_confirm(*, batch: PaymentBatch, by=None) -> int:
    """The bank confirmed the transfers: what the batch pays (files, allowances, invoices) becomes `paid`.
    Confirming twice does nothing. Returns the number of items moved."""
    moved = PaymentBatch.objects.filter(pk=batch.pk, status=BatchStatus.EXPORTED).update(
        status=BatchStatus.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=by
    )
    if not moved:
        batch.refresh_from_db(fields=["status"])
        if batch.status == BatchStatus.CONFIRMED:
            return 0
        raise BatchStateError("export the batch before confirming it")
    count = sum(source.confirm(batch=batch, by=by) for source in payment_sources())
    batch.refresh_from_db()
    return count
