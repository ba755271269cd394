"""Provident allowances as a source of the payment batches (claims.services.payments): a liquidated request's
shares are paid to the member (his IBAN of the day) or to each heir (the IBAN of the heirs' file), never twice:
PaidShare.share is unique, and the shares are locked while a batch takes them."""

from django.db import transaction
from django.utils import timezone

from claims.models import BatchStatus, PayeeKind, PaymentBatch, Transfer
from claims.services.payments import Payable, Payee, iban_is_valid, member_payee

from .models import PaidShare, ProvidentRequest, ProvidentShare, RequestStatus
from .status import InvalidTransition, request_set_status


def payable_shares():
    return ProvidentShare.objects.filter(request__status=RequestStatus.LIQUIDATED, paid__isnull=True)


def heir_payee(heir) -> Payee:
    return Payee(kind=PayeeKind.HEIR, key=str(heir.pk), name=f"{heir.last_name} {heir.first_name}",
                 iban=heir.iban, reference=f"H{heir.pk}")


class ProvidentShareSource:
    def lock_payables(self) -> list[Payable]:
        shares = list(payable_shares().select_for_update(of=("self",), skip_locked=True)
                      .select_related("heir", "request__member").order_by("request_id", "pk"))
        payables = []
        for share in shares:
            if share.heir_id is not None:
                payee = heir_payee(share.heir)
            elif iban_is_valid(share.request.member.iban):
                payee = member_payee(share.request.member)
            else:
                continue  # waits for a valid IBAN, like the member's files
            if iban_is_valid(payee.iban):
                payables.append(Payable(item_id=share.pk, payee=payee, amount=share.amount))
        return payables

    def link(self, *, paid: list[tuple[Payable, Transfer]]) -> None:
        PaidShare.objects.bulk_create([PaidShare(share_id=p.item_id, transfer=t, amount=p.amount) for p, t in paid])

    def confirm(self, *, batch: PaymentBatch, by) -> int:
        """A request is paid once every share of it is in a confirmed batch (heirs may be paid in two batches)."""
        count = 0
        ids = set(ProvidentShare.objects.filter(paid__transfer__batch=batch).values_list("request_id", flat=True))
        for request in ProvidentRequest.objects.filter(pk__in=ids, status=RequestStatus.LIQUIDATED):
            unpaid = request.shares.exclude(paid__transfer__batch__status=BatchStatus.CONFIRMED).exists()
            if unpaid:
                continue
            try:
                with transaction.atomic():
                    request_set_status(request=request, to_status=RequestStatus.PAID, by=by,
                                       reason=f"Paid by transfer in batch {batch.reference}.",
                                       updated_at=timezone.now())
                count += 1
            except InvalidTransition:
                continue
        return count
