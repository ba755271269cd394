"""Estimates for members: what liquidation would give, from a draft or from lines typed in ("what if I file
this"). The same engine against the member's real history; nothing is saved."""

from decimal import Decimal

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.http import MemberRequest
from members.models import Beneficiary

from ..explanations import category_names, estimate_rows
from ..forms import EstimateForm, EstimateLineFormSet
from ..liquidation import InvalidClaimInput, LineInput
from ..models import Act, Category, ClaimStatus, Sector
from ..selectors import claims_for_member
from ..services.estimate import claim_estimate
from ..services.intake_checks import lines_check
from .common import member_required


def _act_names() -> dict[str, str]:
    field = {"ar": "name_ar", "en": "name_en"}.get((get_language() or "fr")[:2], "name_fr")
    return {code: name for code, name in Act.objects.values_list("code", field)}


def _estimate(*, beneficiary: Beneficiary, sector: str, lines: list[LineInput]) -> dict:
    try:
        result = claim_estimate(beneficiary=beneficiary, sector=sector, lines=lines)
    except InvalidClaimInput as error:
        return {"error": str(error)}
    remaining = sum((line.billed_amount for line in lines), Decimal("0.00")) - result.total_reimbursed
    return {"result": result, "remaining": remaining,
            "rows": estimate_rows(result, lines, _act_names(), category_names(Category.objects.all()))}


@member_required
def estimate_draft(request: MemberRequest, pk: int) -> HttpResponse:
    claim = (claims_for_member(member=request.member).filter(pk=pk, status=ClaimStatus.DRAFT)
             .select_related("beneficiary__member__mutual").first())
    if claim is None:
        raise Http404("no such draft for this member")
    lines = [LineInput(act_code=line.act_id, care_date=line.care_date, quantity=line.quantity,
                       billed_amount=line.billed_amount, ald=line.ald,
                       prior_agreement_ref=line.prior_agreement_ref or None)
             for line in claim.lines.order_by("position")]
    context = {"claim": claim, "beneficiary": claim.beneficiary, "sector": claim.get_sector_display()}
    if lines:
        context.update(_estimate(beneficiary=claim.beneficiary, sector=claim.sector, lines=lines))
    return render(request, "claims/member/estimate.html", context)


def _lines_refused(formset, *, beneficiary: Beneficiary) -> bool:
    """Marks next to its field what a filed file would refuse (a care date in the future, an amount of 0 or
    below…): the engine takes only lines intake accepts, and says why in its own words, not the member's."""
    filled = [line_form for line_form in formset.forms if line_form.has_changed() and line_form.cleaned_data]
    errors = lines_check(lines=[line_form.line_data() for line_form in filled], beneficiary=beneficiary,
                         latest_care_date=timezone.localdate(), received=False)
    for key, messages in errors.items():
        _lines, index, field = key.split(".")
        for message in messages:
            filled[int(index)].add_error(field, message)
    return bool(errors)


@member_required
def estimate_new(request: MemberRequest) -> HttpResponse:
    member = request.member
    beneficiaries = list(Beneficiary.objects.filter(member=member).order_by("relation", "birth_date"))
    form = EstimateForm(request.POST or None, beneficiaries=beneficiaries)
    formset = EstimateLineFormSet(request.POST or None, prefix="line")
    context: dict = {"form": form, "formset": formset}
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            beneficiary = next(b for b in beneficiaries if b.pk == int(form.cleaned_data["beneficiary"]))
            beneficiary.member = member
            if _lines_refused(formset, beneficiary=beneficiary):
                pass  # each refusal is shown next to its field
            elif not (lines := formset.lines()):
                context["error"] = _("Fill in at least one line of care.")
            else:
                context.update(_estimate(beneficiary=beneficiary, sector=form.cleaned_data["sector"], lines=lines))
                context["beneficiary"] = beneficiary
                context["sector"] = Sector(form.cleaned_data["sector"]).label
        status = 200 if "result" in context or request.method == "GET" else 400
        return render(request, "claims/member/estimate.html", context, status=status)
    return render(request, "claims/member/estimate.html", context)


__all__ = ["estimate_draft", "estimate_new", "forms"]
