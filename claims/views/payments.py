"""Liquidator pages of payment batches: create one now (besides the daily job), a batch's transfers and files,
and a confirmation step that lists what becomes `paid` before the liquidator confirms. Transfers are read through
their plain fields (payee name and kind, IBAN, amount, reference), whatever pays them."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import BatchStatus, PaidFile, PaymentBatch, Transfer
from ..services.payments import members_waiting_for_iban, payable_files, payment_batch_create
from .common import staff_only


def _batch(pk: int) -> PaymentBatch:
    files = PaidFile.objects.select_related("claim", "claim__beneficiary").order_by("claim__tracking_code")
    transfers = Transfer.objects.order_by("reference").prefetch_related(Prefetch("files", queryset=files))
    return get_object_or_404(PaymentBatch.objects.prefetch_related(Prefetch("transfers", queryset=transfers)),
                             pk=pk)


@require_POST
@staff_only("claims.add_paymentbatch")
def payment_create(request: HttpRequest) -> HttpResponse:
    batch = payment_batch_create()
    if batch is None:
        messages.info(request, _("Nothing to pay: no liquidated file waits for a transfer to a valid IBAN."))
        return redirect("claims:payment_list")
    messages.success(request, _("Batch %(reference)s created: %(count)s transfers, %(total)s MAD.") % {
        "reference": batch.reference, "count": batch.transfers.count(), "total": batch.total})
    return redirect("claims:payment_detail", pk=batch.pk)


@require_GET
@staff_only("claims.view_paymentbatch")
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    transfers = list(batch.transfers.all())
    return render(request, "claims/review/payment_detail.html", {
        "batch": batch, "transfers": transfers, "file_count": sum(len(t.files.all()) for t in transfers),
        "waiting": members_waiting_for_iban()[:200], "payable_count": payable_files().count(),
    })


@require_GET
@staff_only("claims.change_paymentbatch")
def payment_confirm_step(request: HttpRequest, pk: int) -> HttpResponse:
    """What confirming will do, before it is done: every file that becomes paid, and every other payee."""
    batch = _batch(pk)
    if batch.status == BatchStatus.CONFIRMED:
        messages.info(request, _("This batch is already confirmed."))
        return redirect("claims:payment_detail", pk=batch.pk)
    transfers = list(batch.transfers.all())
    return render(request, "claims/review/payment_confirm.html", {
        "batch": batch, "transfers": transfers, "files": [f for t in transfers for f in t.files.all()],
    })
