"""Prior agreements for liquidators: the requests waiting for a decision, the one due first at the top (a
provider's request is due when its convention promised), with their documents; grant or refuse with a note.
The member, and the provider that asked, are told (claims.services.agreement_notices)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import AgreementStatus, PriorAgreement
from ..services.agreements import (
    AgreementStateError,
    agreements_decision_queue,
    prior_agreement_grant,
    prior_agreement_refuse,
)
from .common import staff_only


@require_GET
@staff_only("claims.change_prioragreement")
def agreement_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    queue = list(agreements_decision_queue()[:200])
    for agreement in queue:
        agreement.seconds_left = int((agreement.due_at - now).total_seconds())
        agreement.hours_left, agreement.minutes_left = abs(agreement.seconds_left) // 3600, abs(
            agreement.seconds_left) % 3600 // 60
    decided = (PriorAgreement.objects.exclude(status=AgreementStatus.REQUESTED)
               .select_related("beneficiary__member", "provider_request__provider").prefetch_related("acts")
               .order_by("-decided_at", "-pk")[:50])
    return render(request, "claims/review/agreements.html", {"queue": queue, "decided": decided})


@require_POST
@staff_only("claims.change_prioragreement")
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
