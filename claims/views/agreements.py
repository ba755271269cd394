"""Prior agreements for staff: the requests waiting for a decision, grant or refuse with a note."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import AgreementStatus, PriorAgreement
from ..services.agreements import AgreementStateError, prior_agreement_grant, prior_agreement_refuse
from .review import reviewer_required


@require_GET
@reviewer_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = (PriorAgreement.objects.select_related("beneficiary__member").prefetch_related("acts")
                  .order_by("status", "-requested_at")[:200])
    return render(request, "claims/review/agreements.html", {"agreements": agreements})


@require_POST
@reviewer_required
def agreement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(PriorAgreement, pk=pk, status=AgreementStatus.REQUESTED)
    notes = request.POST.get("notes", "")
    try:
        if request.POST.get("decision") == "grant":
            prior_agreement_grant(agreement=agreement, by=request.user, notes=notes)
        else:
            prior_agreement_refuse(agreement=agreement, by=request.user, notes=notes)
    except (AgreementStateError, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Agreement %(reference)s decided.") % {"reference": agreement.reference})
    return redirect("claims:agreement_list")
