"""Regularisations: correcting a decided file without rewriting it (claims.models.regularisation).

A liquidator records the difference (to pay: > 0; to recover: < 0) with a written reason and the date; the
file's lines, totals and status stay as decided, and the history keeps both. The next payment batch pays a
positive regularisation, and recovers a negative one from what the same member is paid in that batch (a
recovery larger than what he is owed waits for a later batch)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutuelle.history import history_stamp

from ..liquidation import cents
from ..models import ClaimFile, ClaimStatus, PaymentBatch, Regularisation, Transfer
from .locks import claim_lock, retry_on_deadlock
from .payments import Payable, iban_is_valid, member_payee, payable_files
from .review import user_can_review

DECIDED_STATUSES = frozenset({ClaimStatus.LIQUIDATED, ClaimStatus.REJECTED, ClaimStatus.PAID})
ZERO = Decimal("0.00")


@retry_on_deadlock
@transaction.atomic
def regularisation_create(*, claim: ClaimFile, by, amount: Decimal, reason: str, on=None) -> Regularisation:
    """Records a correction of decided file `claim` by liquidator `by`. Refuses an undecided file, a missing
    reason, a zero amount, and a recovery larger than what the file paid plus earlier regularisations."""
    if not user_can_review(by):
        raise PermissionDenied(_("Only a liquidator regularises a decided file."))
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Write why the decided amount is corrected.")]
    try:
        amount = cents(Decimal(amount))
    except Exception:
        errors["amount"] = [_("Enter the amount in dirhams, for example 150.00 or -40.00.")]
        amount = ZERO
    if not errors and amount == 0:
        errors["amount"] = [_("A regularisation is a non-zero amount: positive to pay, negative to recover.")]
    if errors:
        raise ValidationError(errors)
    claim = claim_lock(claim.pk)
    if claim.status not in DECIDED_STATUSES:
        raise ValidationError(_("Only a decided file is regularised; this one is %(status)s.")
                              % {"status": ClaimStatus(claim.status).label}, code="not_decided")
    earlier = claim.regularisations.aggregate(total=Sum("amount"))["total"] or ZERO
    if claim.total_reimbursed + earlier + amount < 0:
        raise ValidationError({"amount": [_("The recovery cannot exceed what this file paid (%(paid)s MAD).")
                                          % {"paid": claim.total_reimbursed + earlier}]})
    regularisation = Regularisation(claim=claim, amount=amount, reason=reason, decided_by=by,
                                    decided_on=on or timezone.localdate())
    history_stamp(regularisation, by=by)
    regularisation.save()
    return regularisation


def regularisations_due():
    return Regularisation.objects.filter(transfer__isnull=True).select_related("claim")


class RegularisationSource:
    """Payment source (settings.PAYMENT_SOURCES): open regularisations, paid or recovered on the member's
    transfer of the next batch."""

    def lock_payables(self) -> list[Payable]:
        rows = list(Regularisation.objects.select_for_update(of=("self",), skip_locked=True)
                    .filter(transfer__isnull=True).order_by("created_at", "pk")
                    .values_list("pk", "claim__member_id", "amount"))
        if not rows:
            return []
        members = Member.objects.in_bulk({member_id for _, member_id, _ in rows})
        owed = dict(payable_files().filter(member_id__in=list(members)).values("member_id")
                    .annotate(total=Sum("total_reimbursed")).values_list("member_id", "total"))
        payables = []
        for pk, member_id, amount in sorted(rows, key=lambda row: -row[2]):  # payments before recoveries
            member = members[member_id]
            if not iban_is_valid(member.iban):
                continue
            balance = owed.get(member_id, ZERO) + amount
            if balance < 0:
                continue  # a recovery waits until the member is owed at least as much
            owed[member_id] = balance
            payables.append(Payable(item_id=pk, payee=member_payee(member), amount=amount))
        return payables

    def link(self, *, paid: list[tuple[Payable, Transfer]]) -> None:
        for payable, transfer in paid:
            Regularisation.objects.filter(pk=payable.item_id, transfer__isnull=True).update(transfer=transfer)

    def confirm(self, *, batch: PaymentBatch, by) -> int:
        return Regularisation.objects.filter(transfer__batch=batch).count()
