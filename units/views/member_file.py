"""The desk's member file: coverage (the member space's own selector), administrative data updated by the agent,
change requests recorded and validated by a second agent, the member's files, agreements and attestation, and his
registry history (who changed what and why, the decisions on his requests)."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.models import PriorAgreement
from claims.selectors import claims_for_staff
from members import change_requests as changes
from members.attestation_pdf import render_attestation
from members.identifiers import normalize_iban
from members.models import ChangeRequest, ChangeStatus, Member, User
from members.selectors import member_overview
from members.services import attestation_issue, member_update
from memberships.selectors import member_history

from ..forms_desk import DecisionForm, MemberDataForm, spread_errors
from .common import role_permission_required

DATA_FIELDS = ("address", "phone", "email", "employer", "grade", "iban")
HISTORY_ROWS = 30  # the latest; the admin's member history shows them all


def _staff(request: HttpRequest) -> User:
    """The signed-in staff account (the decorators let no one else in)."""
    return cast(User, request.user)


def _context(request: HttpRequest, member: Member, form: MemberDataForm) -> dict:
    overview = member_overview(member=member)
    pending = [(change, changes.change_request_may_decide(change_request=change, user=_staff(request)))
               for change in member.change_requests.filter(status=ChangeStatus.PENDING).select_related(
                   "requested_by")]
    return {
        "overview": overview, "member": overview.member, "form": form, "pending": pending,
        "changes": member.change_requests.exclude(status=ChangeStatus.PENDING).select_related(
            "requested_by", "decided_by").order_by("-requested_at")[:10],
        "files": claims_for_staff(user=request.user).filter(member=member).select_related("beneficiary")
        .order_by("-received_on", "-id")[:20],
        "agreements": PriorAgreement.objects.filter(beneficiary__member=member).select_related("beneficiary")
        .prefetch_related("acts").order_by("-requested_at")[:20],
        "registry_history": member_history(member=member)[:HISTORY_ROWS],
    }


@role_permission_required("members.view_member")
def member_file(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    form = MemberDataForm(initial={field: getattr(member, field) for field in DATA_FIELDS})
    return render(request, "units/member_file.html", _context(request, member, form))


@require_POST
@role_permission_required("members.change_member")
def member_data_update(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    form = MemberDataForm(request.POST)
    if form.is_valid():
        # Only the fields the request carries: a field left out (a partial or stale form) is kept, not blanked.
        data = {name: value for name, value in form.cleaned_data.items() if name in request.POST}
        if not data.get("iban"):  # a bank account is replaced, never blanked, from the desk
            data.pop("iban", None)
        try:
            member_update(by=_staff(request), member=member, **data)
        except ValidationError as error:
            spread_errors(form, error)
        else:
            member.refresh_from_db()
            if form.cleaned_data["iban"] and normalize_iban(form.cleaned_data["iban"]) != member.iban:
                messages.info(request, _("The new bank account is recorded; it applies once a second staff "
                                         "account validates it."))
            messages.success(request, _("The member's data is saved."))
            return redirect("units:member_file", pk=member.pk)
    return render(request, "units/member_file.html", _context(request, member, form), status=400)


@require_POST
@role_permission_required("members.change_changerequest")
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeRequest, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to validate or to refuse the request."))
    else:
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                changes.change_request_approve(change_request=change, by=_staff(request), note=note)
                messages.success(request, _("Change validated and applied to the member's file."))
            else:
                changes.change_request_reject(change_request=change, by=_staff(request), note=note)
                messages.success(request, _("Change refused."))
        except changes.FourEyesRefused:
            messages.error(request, _("You recorded this change: another staff account must validate it."))
        except changes.ChangeRequestNotPending:
            messages.info(request, _("This request was already decided."))
    target = request.POST.get("next", "")
    if target == "list":
        return redirect("units:change_requests")
    return redirect("units:member_file", pk=change.member_id)


@role_permission_required("members.change_changerequest")
def change_requests(request: HttpRequest) -> HttpResponse:
    pending = [(change, changes.change_request_may_decide(change_request=change, user=_staff(request)))
               for change in changes.change_requests_pending()]
    return render(request, "units/change_requests.html", {"pending": pending})


@require_POST
@role_permission_required("members.add_attestation")
def member_attestation(request: HttpRequest, pk: int) -> HttpResponse:
    """A membership attestation printed at the desk (the same document the member downloads)."""
    member = get_object_or_404(Member, pk=pk)
    attestation = attestation_issue(member=member, by=_staff(request))
    overview = member_overview(member=member, on=attestation.issued_on)
    verify_url = request.build_absolute_uri(reverse("attestation_verify", args=[attestation.code]))
    pdf = render_attestation(attestation=attestation, overview=overview, verify_url=verify_url,
                             rtl=get_language_bidi())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{attestation.code}.pdf"'
    return response
