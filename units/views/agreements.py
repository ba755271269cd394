"""Desk pages of prior agreements: request one for a beneficiary with its documents (from the member file or a
denture lab order), the requests of the agent's units, one request with its scans."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from claims.models import Act, PriorAgreement
from members.models import Member

from ..forms_desk import AgreementRequestForm, spread_errors
from ..http import DeskRequest
from ..models import AgreementDocument, LabOrder
from ..scoping import is_network_staff, units_for
from ..selectors import localized_name
from ..services_agreements import desk_agreement_request
from ..templatetags.units_tags import local_person
from .common import current_unit, role_permission_required


def agreements_for(user) -> QuerySet[PriorAgreement]:
    """Network staff every agreement; unit staff those of their units' members or asked at their units."""
    agreements = PriorAgreement.objects.all()
    if is_network_staff(user):
        return agreements
    units = units_for(user)
    return agreements.filter(Q(beneficiary__member__home_unit__in=units) | Q(documents__unit__in=units)).distinct()


@role_permission_required("claims.add_prioragreement")
def agreement_new(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    member_id = request.GET.get("member", "")
    if not member_id.isdigit():
        return redirect("units:desk")
    member = get_object_or_404(Member, pk=int(member_id))
    lab_order = None
    if request.GET.get("lab_order", "").isdigit():
        lab_order = get_object_or_404(LabOrder.objects.filter(unit__in=units_for(request.user)),
                                      pk=int(request.GET["lab_order"]), member=member)
    beneficiaries = list(member.beneficiaries.order_by("relation", "birth_date"))
    acts = list(Act.objects.order_by("code"))
    initial: dict[str, object] = {"acts": ["PAD"]} if lab_order else {}
    if lab_order:
        initial["beneficiary"] = lab_order.beneficiary_id
    form = AgreementRequestForm(request.POST or None, initial=initial,
                                beneficiaries=[(b.pk, f"{local_person(b)} — {b.get_relation_display()}")
                                               for b in beneficiaries],
                                acts=[(act.code, f"{act.code} — {localized_name(act)}") for act in acts])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        beneficiary = next(b for b in beneficiaries if b.pk == data["beneficiary"])
        try:
            agreement = desk_agreement_request(
                unit=unit, by=request.user, beneficiary=beneficiary, act_codes=data["acts"],
                valid_from=data["valid_from"], valid_to=data["valid_to"], notes=data["notes"],
                documents=request.FILES.getlist("documents"), lab_order=lab_order)
        except ValidationError as error:
            spread_errors(form, error)
        else:
            messages.success(request, _("Prior agreement %(reference)s requested; a liquidator decides it.")
                             % {"reference": agreement.reference})
            return redirect("units:agreement", pk=agreement.pk)
    return render(request, "units/agreement_new.html", {
        "member": member, "form": form, "lab_order": lab_order, "unit": unit,
    }, status=400 if request.method == "POST" else 200)


@require_GET
@role_permission_required("claims.view_prioragreement")
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = (agreements_for(request.user).select_related("beneficiary__member")
                  .prefetch_related("acts").order_by("-requested_at")[:200])
    return render(request, "units/agreement_list.html", {"agreements": agreements})


@require_GET
@role_permission_required("claims.view_prioragreement")
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(agreements_for(request.user).select_related(
        "beneficiary__member", "decided_by").prefetch_related("acts"), pk=pk)
    return render(request, "units/agreement_detail.html", {
        "agreement": agreement, "documents": agreement.documents.select_related("uploaded_by"),
        "lab_orders": agreement.lab_orders.select_related("unit"),
    })


@require_GET
@role_permission_required("claims.view_prioragreement")
def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(AgreementDocument.objects.filter(
        agreement__in=agreements_for(request.user).values("pk")), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("scan missing from storage") from error
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
