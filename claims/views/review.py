"""Liquidator pages under /review/: the review queue, approve or adjust with a reason, and payment batches."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import ClaimFile, ClaimStatus, PaymentBatch
from ..services.access_log import health_access_logged
from ..services.payments import (
    BatchStateError,
    members_waiting_for_iban,
    payment_batch_confirm,
    payment_batch_export,
)
from ..services.review import ReviewError, review_adjust, review_approve, review_queue
from ..status import InvalidTransition
from .common import staff_only


@require_GET
@staff_only("claims.change_claimline")
def review_list(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/review/list.html", {"claims": review_queue()[:200]})


def _in_review(pk: int) -> ClaimFile:
    return get_object_or_404(ClaimFile.objects.select_related("member", "beneficiary"), pk=pk,
                             status=ClaimStatus.IN_REVIEW)


@health_access_logged("review_page")
@require_GET
@staff_only("claims.change_claimline")
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _in_review(pk)
    lines = list(claim.lines.order_by("position"))
    return render(request, "claims/review/detail.html", {
        "claim": claim, "lines": lines, "changes": claim.status_changes.all(),
        "attachments": list(claim.attachments.all()),
    })


@require_POST
@staff_only("claims.change_claimline")
def review_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _in_review(pk)
    try:
        review_approve(claim=claim, by=request.user, reason=request.POST.get("reason", ""))
    except InvalidTransition:
        raise Http404("no longer in review") from None
    messages.success(request, _("File %(code)s approved.") % {"code": claim.tracking_code})
    return redirect("claims:review_list")


@require_POST
@staff_only("claims.change_claimline")
def review_adjust_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _in_review(pk)
    adjustments = {}
    try:
        for line in claim.lines.only("pk"):
            amo, complementary = request.POST.get(f"amo_{line.pk}"), request.POST.get(f"complementary_{line.pk}")
            if amo is not None and complementary is not None:
                adjustments[line.pk] = (Decimal(amo.replace(",", ".")), Decimal(complementary.replace(",", ".")))
        review_adjust(claim=claim, by=request.user, adjustments=adjustments, reason=request.POST.get("reason", ""))
    except (InvalidOperation, ReviewError) as error:
        messages.error(request, _("The adjustment was not saved: %(error)s") % {"error": error})
        return redirect("claims:review_detail", pk=pk)
    except InvalidTransition:
        raise Http404("no longer in review") from None
    messages.success(request, _("File %(code)s adjusted.") % {"code": claim.tracking_code})
    return redirect("claims:review_list")


@require_GET
@staff_only("claims.view_paymentbatch")
def payment_list(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/review/payments.html", {
        "batches": PaymentBatch.objects.all()[:50], "waiting": members_waiting_for_iban()[:200],
    })


@require_GET
@staff_only("claims.view_paymentbatch")
def payment_export(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch, pk=pk)
    try:
        content = payment_batch_export(batch=batch)
    except BatchStateError:
        raise Http404("confirmed batches are not exported again") from None
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    return response


@require_POST
@staff_only("claims.change_paymentbatch")
def payment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch, pk=pk)
    try:
        count = payment_batch_confirm(batch=batch, by=request.user)
    except BatchStateError:
        messages.error(request, _("Export the batch to the bank before confirming it."))
    else:
        messages.success(request, _("%(count)s files marked paid.") % {"count": count})
    return redirect("claims:payment_detail", pk=batch.pk)
