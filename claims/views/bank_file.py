"""Liquidators download a payment batch's bank file: ISO 20022 pain.001.001.03 (claims/services/bank_file.py)."""

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import PaymentBatch
from ..services.bank_file import BankFileError, payment_batch_export_pain001
from ..services.payments import BatchStateError
from .common import staff_only

logger = logging.getLogger(__name__)


@require_GET
@staff_only("claims.view_paymentbatch")
def payment_export_pain001(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PaymentBatch, pk=pk)
    try:
        content = payment_batch_export_pain001(batch=batch)
    except BatchStateError:
        raise Http404("confirmed batches are not exported again") from None
    except BankFileError as error:
        logger.error("bank file of batch %s: %s", batch.reference, error)
        messages.error(request, _("The bank file cannot be made. Ask the administrator to check the mutual's own "
                                  "account (PAYMENT_DEBTOR_NAME, PAYMENT_DEBTOR_IBAN); the details are in the "
                                  "server log."))
        return redirect("claims:payment_list")
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.pain.001.xml"'
    return response
