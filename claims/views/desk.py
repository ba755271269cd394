"""The front desk: find the member, register a paper file in one screen, print the receipt; mark files
incomplete; the forwarding slip of sister-mutual files. Agents act for their own units only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Member
from units.scoping import units_for

from ..forms import DeskClaimForm, DeskLineFormSet, IncompleteForm, MemberSearchForm, SlipDayForm
from ..models import ClaimStatus
from ..models.files import tracking_code_normalize
from ..receipts import forwarding_slip_pdf, qr_svg, receipt_pdf
from ..selectors import ClaimPage, beneficiaries_with_eligibility, claim_page, claims_for_staff, forwarding_slip
from ..services import intake
from ..services.access_log import health_access_logged
from ..status import MEMBER_EXPLANATIONS, InvalidTransition
from .common import error_messages, staff_only

PAGE_SIZE = 25


def _page_or_404(request: HttpRequest, pk: int) -> ClaimPage:
    page = claim_page(files=claims_for_staff(user=request.user), pk=pk)
    if page is None:
        raise Http404("no such file for this agent")
    return page


def _track_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("claims:track") + f"?code={code}")


@staff_only("claims.view_claimfile")
def desk_claims(request: HttpRequest) -> HttpResponse:
    """Member search (to register a file) and the files of the agent's units, newest first."""
    search = MemberSearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        from members.selectors import member_search

        results = member_search(query=search.cleaned_data["q"])
    status = request.GET.get("status", "")
    find = " ".join(request.GET.get("find", "").split())[:100]
    files = claims_for_staff(user=request.user).select_related("member", "beneficiary", "unit").order_by(
        "-received_on", "-created_at", "-id")
    if status in ClaimStatus.values:
        files = files.filter(status=status)
    if find:
        files = _files_found(files, find)
        if len(files) == 1 and files[0].tracking_code == tracking_code_normalize(find):
            return redirect("claims:desk_claim", pk=files[0].pk)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/desk/claims.html", {
        "search": search, "results": results, "page": page, "status": status, "statuses": ClaimStatus.choices,
        "find": find,
    })


def _files_found(files, find: str):
    """A file by its tracking code, or the files of the members found by number, CIN or name."""
    from members.selectors import member_search

    code = tracking_code_normalize(find)
    by_code = files.filter(tracking_code=code) if code else files.none()
    if by_code.exists():
        return list(by_code)
    members = [member.pk for member in member_search(query=find, limit=50)]
    return files.filter(member__in=members)


@staff_only("claims.add_claimfile")
def desk_register(request: HttpRequest) -> HttpResponse:
    """One screen, keyboard only: beneficiary, dates, provider, the lines, missing documents → receipt.

    The member comes as ?member=<id> (from the member search here or at the units' desk)."""
    member_id = request.GET.get("member", "")
    if not member_id.isdigit():
        return redirect("claims:desk_claims")
    member = get_object_or_404(Member.objects.select_related("mutual"), pk=int(member_id))
    units = list(units_for(request.user).order_by("code"))
    if not units:
        raise Http404("no unit")
    received_on = timezone.localdate()
    if request.method == "POST":
        form = DeskClaimForm(request.POST, beneficiaries=[], units=units)
        lines = DeskLineFormSet(request.POST, prefix="lines")
        if form.is_valid():
            received_on = form.cleaned_data["received_on"]
    beneficiaries = beneficiaries_with_eligibility(member=member, on=min(received_on, timezone.localdate()))
    if request.method == "POST":
        form = DeskClaimForm(request.POST, beneficiaries=beneficiaries, units=units)
        if form.is_valid() and lines.is_valid():
            data = form.cleaned_data
            # the form offers only these beneficiaries
            beneficiary = next(b.beneficiary for b in beneficiaries if b.beneficiary.pk == data["beneficiary"])
            unit = next(u for u in units if u.pk == data["unit"])
            try:
                claim = intake.claim_register_at_desk(
                    member=member, beneficiary=beneficiary, unit=unit, by=request.user,
                    received_on=data["received_on"], lines=lines.lines(), sector=data["sector"],
                    provider_name=data["provider_name"], provider_ref=data["provider_ref"],
                    missing_documents=data["missing_documents"], idempotency_key=data["idempotency_key"])
            except PermissionDenied as error:
                raise Http404("not this unit") from error
            except ValidationError as error:
                _spread_errors(error, form, lines)
            else:
                return redirect("claims:desk_receipt", pk=claim.pk)
    else:
        form = DeskClaimForm(beneficiaries=beneficiaries, units=units)
        lines = DeskLineFormSet(prefix="lines")
    return render(request, "claims/desk/register.html", {
        "member": member, "form": form, "lines": lines, "beneficiaries": beneficiaries,
        "sister": not member.mutual.is_ours,
    }, status=400 if request.method == "POST" else 200)


def _spread_errors(error: ValidationError, form: DeskClaimForm, lines) -> None:
    """Puts the service's errors next to the field or the grid cell they are about."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    filled = [f for f in lines.forms if f.has_changed()]
    for key, errors in error.error_dict.items():
        if key.startswith("lines.") and key.count(".") == 2:
            _prefix, index, field = key.split(".")
            filled[int(index)].add_error(field, errors)
        elif key in form.fields:
            form.add_error(key, errors)
        else:
            form.add_error(None, errors)


@health_access_logged("desk_page")
@staff_only("claims.view_claimfile")
def desk_claim(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(request, pk)
    return render(request, "claims/desk/claim.html", {
        "page": page, "claim": page.claim, "explanation": MEMBER_EXPLANATIONS[page.claim.status],
        "incomplete_form": IncompleteForm(),
    })


@staff_only("claims.change_claimfile")
@require_POST
def desk_mark_incomplete(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(request, pk)
    form = IncompleteForm(request.POST)
    if form.is_valid():
        try:
            intake.claim_mark_incomplete(claim=page.claim, by=request.user,
                                         missing_documents=form.cleaned_data["missing_documents"])
        except InvalidTransition:
            messages.error(request, _("This file can no longer be marked incomplete (it is %(status)s).")
                           % {"status": page.claim.get_status_display()})
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The file is marked incomplete; the member is told what is missing."))
    else:
        messages.error(request, _("List the missing documents."))
    return redirect("claims:desk_claim", pk=pk)


@staff_only("claims.change_claimfile")
@require_POST
def desk_complete(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(request, pk)
    try:
        intake.claim_complete(claim=page.claim, by=request.user, require_new_documents=False)
    except intake.ClaimAlreadySubmitted:
        messages.info(request, _("This file is not waiting for documents."))
    else:
        messages.success(request, _("The file is received again and goes on to liquidation."))
    return redirect("claims:desk_claim", pk=pk)


@health_access_logged("receipt")
@staff_only("claims.view_claimfile")
def desk_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(request, pk)
    track_url = _track_url(request, page.claim.tracking_code)
    return render(request, "claims/desk/receipt.html", {
        "page": page, "claim": page.claim, "track_url": track_url, "qr_svg": qr_svg(track_url),
    })


@health_access_logged("receipt")
@staff_only("claims.view_claimfile")
def desk_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(request, pk)
    claim = page.claim
    pdf = receipt_pdf(claim=claim, lines=page.lines, track_url=_track_url(request, claim.tracking_code))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{claim.tracking_code}.pdf"'
    return response


@staff_only("claims.view_claimfile")
def desk_forwarding_slip(request: HttpRequest) -> HttpResponse:
    form = SlipDayForm(request.GET or None)
    day = form.day_or_today()
    groups = forwarding_slip(files=claims_for_staff(user=request.user), day=day)
    if request.GET.get("format") == "pdf":
        units = ", ".join(unit.name_fr for unit in units_for(request.user).order_by("code"))
        response = HttpResponse(forwarding_slip_pdf(groups=groups, day=day, unit_names=units),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="forwarding-slip-{day.isoformat()}.pdf"'
        return response
    return render(request, "claims/desk/forwarding_slip.html", {"form": form, "day": day, "groups": groups})
