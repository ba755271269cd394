"""Provident pages: the desk (any request, heirs with their shares and IBANs), the member's own requests online,
the second liquidator's queue, and the scans (every download logged: death certificates are health data)."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from claims.views.common import desk_required, member_required
from members.models import Member
from units.scoping import units_for

from .access import provident_scan_download
from .forms import DecisionForm, DeskRequestForm, DocumentForm, HeirFormSet, RequestForm, heirs_from
from .letter import decision_pdf, has_letter, request_from_token, verification_token
from .models import DocumentKind, ProvidentRequest, RequestChannel
from .reasons import REASON_MESSAGES
from .selectors import request_page, requests_for_member, requests_for_staff
from .services.intake import document_add, missing_documents, request_create
from .services.review import provident_approve, provident_reject, review_queue, user_can_decide
from .status import EXPLANATIONS


def reviewer_required(view):
    """Liquidators, provident officers and administrators; anyone else finds nothing here (404)."""
    from functools import wraps

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_can_decide(request.user):
            raise Http404("not a liquidator")
        return view(request, *args, **kwargs)

    return wrapped


LETTER_LINKS = (("ar", "العربية"), ("fr", "Français"), ("en", "English"))


def _member(request: HttpRequest) -> Member:
    """The member `member_required` put on the request."""
    return cast(Member, getattr(request, "member"))  # noqa: B009  # set by the decorator, unknown to the stubs


def _context(request_obj: ProvidentRequest, **extra) -> dict:
    return {"req": request_obj, "explanation": EXPLANATIONS[request_obj.status],
            "reason_message": REASON_MESSAGES.get(request_obj.reason_code, ""),
            "missing": [(DocumentKind(kind).label, heir) for kind, heir in missing_documents(request_obj)],
            "has_letter": has_letter(request_obj), "letter_languages": LETTER_LINKS, **extra}


def _spread(error: ValidationError, form, heirs=None) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        if key in form.fields:
            form.add_error(key, errors)
        elif key.startswith("heirs[") and heirs is not None:
            index = int(key[6:-1]) - 1
            filled = [f for f in heirs.forms if f.has_changed()]
            (filled[index] if index < len(filled) else form).add_error(None, errors)
        else:
            form.add_error(None, errors)


# --- desk ------------------------------------------------------------------------------------------------------


@desk_required
@require_GET
def desk_list(request: HttpRequest) -> HttpResponse:
    from claims.forms import MemberSearchForm
    from members.selectors import member_search

    search = MemberSearchForm(request.GET or None)
    results = member_search(query=search.cleaned_data["q"])[:20] if search.is_valid() and search.cleaned_data["q"] \
        else []
    requests = requests_for_staff(user=request.user).select_related("member", "unit").order_by("-created_at")[:100]
    return render(request, "provident/desk_list.html", {"requests": requests, "search": search, "results": results})


@desk_required
def desk_new(request: HttpRequest) -> HttpResponse:
    member_id = request.GET.get("member", "")
    if not member_id.isdigit():
        return redirect("provident:desk_list")
    member = get_object_or_404(Member, pk=int(member_id))
    units = list(units_for(request.user).order_by("code"))
    if not units:
        raise Http404("no unit")
    beneficiaries = list(member.beneficiaries.all())
    if request.method == "POST":
        form = DeskRequestForm(request.POST, request.FILES, beneficiaries=beneficiaries)
        heirs = HeirFormSet(request.POST, request.FILES, prefix="heirs")
        if form.is_valid() and heirs.is_valid():
            data = form.cleaned_data
            heir_inputs, heir_documents = heirs_from(heirs)
            deceased = next((b for b in beneficiaries if b.pk == data["deceased"]), None)
            try:
                created = request_create(
                    by=request.user, member=member, benefit=data["benefit"], event_date=data["event_date"],
                    received_on=data["received_on"], channel=RequestChannel.FRONT_DESK, deceased=deceased,
                    heirs=heir_inputs, documents=form.documents() + heir_documents, unit=units[0],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                    language=data["language"])
            except PermissionDenied as error:
                raise Http404("not staff") from error
            except ValidationError as error:
                _spread(error, form, heirs)
            else:
                messages.success(request, _("Request %(code)s registered.") % {"code": created.tracking_code_display})
                return redirect("provident:desk_detail", pk=created.pk)
    else:
        form = DeskRequestForm(beneficiaries=beneficiaries, initial={
            "received_on": timezone.localdate(), "language": "ar"})
        heirs = HeirFormSet(prefix="heirs")
    return render(request, "provident/desk_new.html", {"member": member, "form": form, "heirs": heirs},
                  status=400 if request.method == "POST" else 200)


@desk_required
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    request_obj = request_page(requests=requests_for_staff(user=request.user), pk=pk)
    if request_obj is None:
        raise Http404("no such request for this agent")
    heirs = list(request_obj.heirs.all())
    form = DocumentForm(heirs=heirs)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, heirs=heirs)
        if form.is_valid():
            heir = next((h for h in heirs if h.pk == form.cleaned_data["heir"]), None)
            try:
                document_add(request=request_obj, by=request.user, kind=form.cleaned_data["kind"],
                             upload=form.cleaned_data["scan"], heir=heir)
            except ValidationError as error:
                _spread(error, form)
            else:
                messages.success(request, _("Document added."))
                return redirect("provident:desk_detail", pk=pk)
    return render(request, "provident/detail.html", _context(request_obj, document_form=form, desk=True),
                  status=400 if request.method == "POST" else 200)


# --- the member's own requests online ---------------------------------------------------------------------------


@member_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    return render(request, "provident/member_list.html", {
        "requests": requests_for_member(member=_member(request)).order_by("-created_at")})


@member_required
def member_new(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    beneficiaries = list(member.beneficiaries.all())
    form = RequestForm(beneficiaries=beneficiaries, online=True)
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, beneficiaries=beneficiaries, online=True)
        if form.is_valid():
            data = form.cleaned_data
            deceased = next((b for b in beneficiaries if b.pk == data["deceased"]), None)
            try:
                created = request_create(by=request.user, member=member, benefit=data["benefit"],
                                         event_date=data["event_date"], channel=RequestChannel.ONLINE,
                                         deceased=deceased, documents=form.documents(),
                                         language=request.LANGUAGE_CODE[:2])
            except ValidationError as error:
                _spread(error, form)
            else:
                messages.success(request, _("Request %(code)s sent.") % {"code": created.tracking_code_display})
                return redirect("provident:member_detail", pk=created.pk)
    return render(request, "provident/member_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@member_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    request_obj = request_page(requests=requests_for_member(member=_member(request)), pk=pk)
    if request_obj is None:
        raise Http404("not this member's request")
    form = DocumentForm(heirs=())
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, heirs=())
        if form.is_valid():
            try:
                document_add(request=request_obj, by=request.user, kind=form.cleaned_data["kind"],
                             upload=form.cleaned_data["scan"])
            except ValidationError as error:
                _spread(error, form)
            else:
                messages.success(request, _("Document added."))
                return redirect("provident:member_detail", pk=pk)
    return render(request, "provident/detail.html", _context(request_obj, document_form=form),
                  status=400 if request.method == "POST" else 200)


# --- review (four eyes) ------------------------------------------------------------------------------------------


@reviewer_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    return render(request, "provident/review_list.html", {"requests": review_queue()[:200]})


@reviewer_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    request_obj = request_page(requests=ProvidentRequest.objects.all(), pk=pk)
    if request_obj is None:
        raise Http404("no such request")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = provident_approve if request.POST.get("decision") == "approve" else provident_reject
        try:
            decide(request=request_obj, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _spread(error, form)
        except Exception as error:  # an invalid transition: decided by someone else meanwhile
            from .status import InvalidTransition

            if not isinstance(error, InvalidTransition):
                raise
            messages.error(request, _("This request was decided meanwhile."))
            return redirect("provident:review_list")
        else:
            messages.success(request, _("Request %(code)s decided.") % {"code": request_obj.tracking_code_display})
            return redirect("provident:review_list")
    return render(request, "provident/detail.html", _context(request_obj, decision_form=form, review=True),
                  status=400 if request.method == "POST" else 200)


# --- scans -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A scan, to the member whose request it is or to staff who may reach the request (provident.access: the
    same path as the API's). Staff reads go to the health-data access log before the bytes leave."""
    return provident_scan_download(request=request, pk=pk)





# --- the decision letter (PDF) and its public check ------------------------------------------------------------

LETTER_LANGUAGES = ("ar", "fr", "en")


def _letter(request: HttpRequest, request_obj: ProvidentRequest | None, language: str) -> HttpResponse:
    if request_obj is None or not has_letter(request_obj):
        raise Http404("no decision letter")
    verify_url = request.build_absolute_uri(reverse("provident:verify", args=[verification_token(request_obj)]))
    with translation.override(language):
        pdf = decision_pdf(request=request_obj, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{request_obj.tracking_code}-{language}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_GET
def member_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's letter, in the language of his pages."""
    found = request_page(requests=requests_for_member(member=_member(request)), pk=pk)
    return _letter(request, found, (request.LANGUAGE_CODE or "ar")[:2])


@desk_required
@require_GET
def desk_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Printed at the desk for the requester: in the requester's language unless `?lang=` asks for another."""
    found = request_page(requests=requests_for_staff(user=request.user), pk=pk)
    wanted = request.GET.get("lang", "")
    language = wanted if wanted in LETTER_LANGUAGES else (found.language if found else "ar")
    return _letter(request, found, language if language in LETTER_LANGUAGES else "ar")


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: whether a decision letter is genuine (tracking code, allowance, status, amount; no names)."""
    return render(request, "provident/verify.html", {"req": request_from_token(token)})
