"""Provider invoices as a payment source (claims.services.payments.PaymentSource): a liquidated invoice is paid
to its provider, one transfer per provider per batch, never twice.

An invoice is a claim file, so its "paid" link is the claim file's own PaidFile (unique on the file): the
database refuses to pay an invoice twice, and confirming the batch moves it to `paid` with every other file of
the batch (ClaimFileSource.confirm)."""

from claims.models import Channel, ClaimFile, ClaimStatus, PaidFile, PayeeKind, PaymentBatch, Transfer
from claims.services.payments import Payable, Payee, iban_is_valid
from members.identifiers import normalize_iban

from .models import Provider


def provider_payee(provider: Provider) -> Payee:
    return Payee(kind=PayeeKind.PROVIDER, key=str(provider.pk), name=provider.name,
                 iban=normalize_iban(provider.iban), reference=f"P{provider.pk}")


def payable_invoices():
    return ClaimFile.objects.filter(channel=Channel.PROVIDER, status=ClaimStatus.LIQUIDATED, total_reimbursed__gt=0,
                                    paid_file__isnull=True)


class ProviderInvoiceSource:
    def lock_payables(self) -> list[Payable]:
        rows = list(
            payable_invoices().select_for_update(of=("self",), skip_locked=True)
            .order_by("provider_invoice__provider_id", "received_on", "pk")
            .values_list("pk", "provider_invoice__provider_id", "total_reimbursed")
        )
        providers = Provider.objects.in_bulk({provider_id for _, provider_id, _ in rows})
        payees = {pk: provider_payee(p) for pk, p in providers.items() if iban_is_valid(p.iban)}
        return [Payable(item_id=claim_id, payee=payees[provider_id], amount=amount)
                for claim_id, provider_id, amount in rows if provider_id in payees]

    def link(self, *, paid: list[tuple[Payable, Transfer]]) -> None:
        PaidFile.objects.bulk_create([PaidFile(claim_id=p.item_id, transfer=t, amount=p.amount) for p, t in paid])

    def confirm(self, *, batch: PaymentBatch, by) -> int:
        return 0  # invoices are claim files: ClaimFileSource.confirm moves every file of the batch to `paid`
