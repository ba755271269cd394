"""The member space: my files, filing online (draft → review → send), completing an incomplete file."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Beneficiary

from ..forms import AttachmentForm, CareDateForm, DraftDetailsForm, LineForm, NewClaimForm, new_idempotency_key
from ..models import ClaimFile, ClaimStatus
from ..selectors import ClaimPage, beneficiaries_with_eligibility, claim_page, claims_for_member, member_claim_list
from ..services import intake
from ..status import MEMBER_EXPLANATIONS
from .common import error_messages, member_required

PAGE_SIZE = 20


def _page_or_404(request: HttpRequest, pk: int) -> ClaimPage:
    page = claim_page(files=claims_for_member(member=request.member), pk=pk)
    if page is None:
        raise Http404("no such file for this member")
    return page


def _claim_or_404(request: HttpRequest, pk: int) -> ClaimFile:
    claim = claims_for_member(member=request.member).filter(pk=pk).first()
    if claim is None:
        raise Http404("no such file for this member")
    return claim


@member_required
def claim_list(request: HttpRequest) -> HttpResponse:
    member = request.member
    status = request.GET.get("status", "")
    status = status if status in ClaimStatus.values else ""
    beneficiary = request.GET.get("beneficiary", "")
    beneficiary_id = int(beneficiary) if beneficiary.isdigit() else None
    files = member_claim_list(member=member, status=status, beneficiary_id=beneficiary_id)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "claims/member/list.html", {
        "page": page, "status": status, "beneficiary_id": beneficiary_id, "statuses": ClaimStatus.choices,
        "beneficiaries": list(Beneficiary.objects.filter(member=member).order_by("relation", "birth_date")),
        "explanations": MEMBER_EXPLANATIONS, "query": query.urlencode(),
        # a file's page is this list's address and the file's number (claims/urls.py): one reverse, not one a row
        "files_url": reverse("claims:member_claims"),
    })


@member_required
def claim_new(request: HttpRequest) -> HttpResponse:
    """Step 1: the date of the care, then the person it was for (only those covered on that date)."""
    member = request.member
    today = timezone.localdate()
    form = None
    date_error = ""
    if request.method == "POST":
        form = NewClaimForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            beneficiary = Beneficiary.objects.filter(pk=data["beneficiary"]).first()
            try:
                if beneficiary is None:
                    raise ValidationError({"beneficiary": _("Choose the person the care was for.")})
                claim = intake.claim_draft_create(
                    member=member, beneficiary=beneficiary, by=request.user, care_on=data["care_on"],
                    sector=data["sector"], provider_name=data["provider_name"],
                    idempotency_key=data["idempotency_key"])
            except ValidationError as error:
                form.add_error(None, error_messages(error))
            else:
                return redirect("claims:member_draft", pk=claim.pk)
        care_on = form.cleaned_data.get("care_on") if hasattr(form, "cleaned_data") else None
    else:
        date_form = CareDateForm(request.GET or None)
        care_on = date_form.cleaned_data["care_on"] if date_form.is_valid() else today
        # Said, not silently replaced by today (a typed date the browser let through, an edited address).
        if date_form.is_bound and not date_form.is_valid():
            date_error = date_form.errors["care_on"][0]
        elif care_on > today:
            date_error = _("The care date cannot be in the future.")
    care_on = care_on if isinstance(care_on, date) and care_on <= today else today
    if form is None:
        form = NewClaimForm(initial={"care_on": care_on, "idempotency_key": new_idempotency_key()})
    choices = beneficiaries_with_eligibility(member=member, on=care_on)
    return render(request, "claims/member/new.html", {
        "form": form, "care_on": care_on, "today": today, "date_error": date_error,
        "eligible": [c for c in choices if c.eligible],
        "not_eligible": [c for c in choices if not c.eligible],
    })


def _render_draft(request: HttpRequest, pk: int, *, line_form=None, upload_form=None, details_form=None,
                  status: int = 200) -> HttpResponse:
    page = _page_or_404(request, pk)
    claim = page.claim
    if claim.status != ClaimStatus.DRAFT:
        return redirect("claims:member_claim", pk=claim.pk)
    today = timezone.localdate()
    return render(request, "claims/member/draft.html", {
        "page": page, "claim": claim, "today": today,
        "line_form": line_form or LineForm(initial={"care_date": page.lines[-1].care_date if page.lines else None,
                                                    "quantity": 1}),
        "upload_form": upload_form or AttachmentForm(),
        "details_form": details_form or DraftDetailsForm(initial={
            "sector": claim.sector, "provider_name": claim.provider_name, "provider_ref": claim.provider_ref}),
    }, status=status)


@member_required
def claim_draft(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_draft(request, pk)


def _on_closed(request: HttpRequest, claim: ClaimFile) -> HttpResponse:
    messages.info(request, _("This file has already been sent; it can no longer be changed."))
    return redirect("claims:member_claim", pk=claim.pk)


@member_required
@require_POST
def claim_draft_details(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = DraftDetailsForm(request.POST)
    if not form.is_valid():
        return _render_draft(request, pk, details_form=form, status=400)
    try:
        intake.claim_draft_update(claim=claim, **form.cleaned_data)
    except intake.ClaimAlreadySubmitted:
        return _on_closed(request, claim)
    messages.success(request, _("Saved."))
    return redirect("claims:member_draft", pk=pk)


@member_required
@require_POST
def claim_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            intake.claim_line_add(claim=claim, line=form.line_data())
        except intake.ClaimAlreadySubmitted:
            return _on_closed(request, claim)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Line added."))
            return redirect("claims:member_draft", pk=pk)
    return _render_draft(request, pk, line_form=form, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@member_required
@require_POST
def claim_line_remove(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    try:
        intake.claim_line_remove(claim=claim, line_id=line_id)
    except intake.ClaimAlreadySubmitted:
        return _on_closed(request, claim)
    return redirect("claims:member_draft", pk=pk)


@member_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            intake.attachment_add(claim=claim, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                                  by=request.user)
        except ValidationError as error:
            _add_errors(form, ValidationError({"file": error.messages}))
        else:
            messages.success(request, _("Document added."))
            return redirect("claims:member_draft" if claim.status == ClaimStatus.DRAFT else "claims:member_claim",
                            pk=pk)
    if claim.status == ClaimStatus.DRAFT:
        return _render_draft(request, pk, upload_form=form, status=400)
    return _render_detail(request, pk, upload_form=form, status=400)


@member_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    try:
        intake.attachment_remove(claim=claim, attachment_id=attachment_id)
    except intake.ClaimAlreadySubmitted:
        return _on_closed(request, claim)
    return redirect("claims:member_draft", pk=pk)


@member_required
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(request, pk)
    if page.claim.status != ClaimStatus.DRAFT:
        return redirect("claims:member_claim", pk=pk)
    return render(request, "claims/member/review.html", {"page": page, "claim": page.claim,
                                                         "today": timezone.localdate()})


@member_required
@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    try:
        intake.claim_submit(claim=claim, by=request.user)
    except intake.ClaimAlreadySubmitted:
        messages.info(request, _("This file has already been sent."))
        return redirect("claims:member_claim", pk=pk)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
        return redirect("claims:member_draft", pk=pk)
    messages.success(request, _("Your file has been sent. Keep its tracking code: %(code)s.")
                     % {"code": claim.tracking_code_display})
    return redirect("claims:member_claim", pk=pk)


def _render_detail(request: HttpRequest, pk: int, *, upload_form=None, status: int = 200) -> HttpResponse:
    page = _page_or_404(request, pk)
    if page.claim.status == ClaimStatus.DRAFT:
        return redirect("claims:member_draft", pk=pk)
    return render(request, "claims/member/detail.html", {
        "page": page, "claim": page.claim, "explanation": MEMBER_EXPLANATIONS[page.claim.status],
        "upload_form": upload_form or AttachmentForm(),
    }, status=status)


@member_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@member_required
@require_POST
def claim_complete(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    try:
        intake.claim_complete(claim=claim, by=request.user)
    except intake.ClaimAlreadySubmitted:
        messages.info(request, _("This file is not waiting for documents."))
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your file is received again and will be processed."))
    return redirect("claims:member_claim", pk=pk)
