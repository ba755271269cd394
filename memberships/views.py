"""Membership pages: the public application (no account), the desk's applications and decision, the member's
requests (add a spouse, a child, a study period, a disability), the activation letter."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from claims.views.common import desk_required, member_required
from members.models import Member

from .forms import (
    ApplicationForm,
    DecisionForm,
    DeskApplicationForm,
    DeskMemberRequestForm,
    DocumentForm,
    MemberRequestForm,
    PeopleFormSet,
)
from .letter import activation_letter_pdf
from .models import ApplicationStatus, DocumentKind, MembershipApplication
from .selectors import applications_for_member, applications_for_staff
from .services import (
    DocumentInput,
    application_approve,
    application_reject,
    application_submit,
    document_add,
    member_request_submit,
    missing_documents,
    user_may_decide,
)


def _member(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined]  # set by member_required


def _spread(error: ValidationError, form) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        form.add_error(key if key in form.fields else None, errors)


def _people(formset) -> tuple[list, list]:
    people, documents = [], []
    for form in formset.forms:
        if form.filled():
            people.append(form.person())
            documents += form.documents(len(people))
    return people, documents


def _apply(request: HttpRequest, *, desk: bool) -> HttpResponse:
    form_class = DeskApplicationForm if desk else ApplicationForm
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        people = PeopleFormSet(request.POST, request.FILES, prefix="people")
        if form.is_valid() and people.is_valid():
            try:
                persons, person_documents = _people(people)
                app = application_submit(
                    channel="front_desk" if desk else "online", by=request.user,
                    home_unit=form.cleaned_data["home_unit"], applicant=form.applicant(), people=persons,
                    documents=form.documents() + person_documents, language=request.LANGUAGE_CODE[:2],
                    received_on=form.cleaned_data.get("received_on"))
            except ValidationError as error:
                _spread(error, form)
            else:
                if desk:
                    return redirect("memberships:desk_detail", pk=app.pk)
                return render(request, "memberships/submitted.html", {"app": app})
    else:
        form = form_class(initial={"received_on": timezone.localdate()})
        people = PeopleFormSet(prefix="people")
    return render(request, "memberships/apply.html", {"form": form, "people": people, "desk": desk},
                  status=400 if request.method == "POST" else 200)


def apply(request: HttpRequest) -> HttpResponse:
    """The public form: a civil servant applies without an account."""
    return _apply(request, desk=False)


@desk_required
def desk_apply(request: HttpRequest) -> HttpResponse:
    return _apply(request, desk=True)


@desk_required
@require_GET
def desk_list(request: HttpRequest) -> HttpResponse:
    apps = applications_for_staff(user=request.user).select_related("home_unit", "member")
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        apps = apps.filter(status=status)
    return render(request, "memberships/desk_list.html", {"apps": apps[:200], "status": status,
                                                          "statuses": ApplicationStatus.choices})


def _app_or_404(request: HttpRequest, pk: int) -> MembershipApplication:
    return get_object_or_404(applications_for_staff(user=request.user).select_related("home_unit", "member",
                                                                                       "target"), pk=pk)


@desk_required
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app_or_404(request, pk)
    people = list(app.people.all())
    document_form = DocumentForm(people=people)
    if request.method == "POST":
        document_form = DocumentForm(request.POST, request.FILES, people=people)
        if document_form.is_valid():
            person = next((p for p in people if p.pk == document_form.cleaned_data["person"]), None)
            try:
                document_add(app=app, by=request.user, kind=document_form.cleaned_data["kind"],
                             upload=document_form.cleaned_data["scan"], person=person)
            except ValidationError as error:
                _spread(error, document_form)
            else:
                return redirect("memberships:desk_detail", pk=pk)
    return render(request, "memberships/detail.html", {
        "app": app, "people": people, "document_form": document_form, "decision_form": DecisionForm(),
        "may_decide": user_may_decide(user=request.user, app=app),
        "missing": [(DocumentKind(kind).label, person) for kind, person in missing_documents(app)]},
        status=400 if request.method == "POST" else 200)


@desk_required
@require_POST
def desk_decide(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app_or_404(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("decision") == "approve":
            application_approve(app=app, by=request.user)
            messages.success(request, _("Application approved: the member is registered."))
        else:
            application_reject(app=app, by=request.user, reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("Application rejected."))
    except PermissionDenied as error:
        raise Http404("not this unit") from error
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("memberships:desk_detail", pk=pk)


@desk_required
@require_GET
def desk_letter(request: HttpRequest, pk: int) -> HttpResponse:
    app = _app_or_404(request, pk)
    if app.status != ApplicationStatus.APPROVED or app.member_id is None:
        raise Http404("not approved")
    pdf = activation_letter_pdf(app=app)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="activation-{app.tracking_code}.pdf"'
    return response


def _request_post(request: HttpRequest, *, member: Member, form, people, channel: str,
                  received_on=None) -> MembershipApplication | None:
    """Parses a member's request (the member's page or a desk's) and files it; None when the input is refused."""
    if not (form.is_valid() and people.is_valid()):
        return None
    data = form.cleaned_data
    try:
        persons, documents = _people(people)
        if data.get("scan"):
            kind = "disability_card" if data["kind"] == "disability" else "school_certificate"
            documents.append(DocumentInput(kind=kind, upload=data["scan"]))
        target = member.beneficiaries.filter(pk=data["target"], relation="child").first() if data["target"] \
            else None
        return member_request_submit(
            channel=channel, by=request.user, member=member, kind=data["kind"],
            person=persons[0] if persons else None, target=target, period_start=data.get("period_start"),
            period_end=data.get("period_end"), disabled_from=data.get("disabled_from"), documents=documents,
            language=request.LANGUAGE_CODE[:2],
            received_on=received_on)
    except ValidationError as error:
        _spread(error, form)
    return None


@member_required
def member_requests(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    children = list(member.beneficiaries.filter(relation="child"))
    form = MemberRequestForm(children=children)
    people = PeopleFormSet(prefix="people")
    if request.method == "POST":
        form = MemberRequestForm(request.POST, request.FILES, children=children)
        people = PeopleFormSet(request.POST, request.FILES, prefix="people")
        app = _request_post(request, member=member, form=form, people=people, channel="online")
        if app is not None:
            messages.success(request, _("Request %(code)s sent.") % {"code": app.tracking_code_display})
            return redirect("memberships:member_request", pk=app.pk)
    apps = applications_for_member(member=member)
    return render(request, "memberships/member_requests.html", {"form": form, "people": people, "apps": apps},
                  status=400 if request.method == "POST" else 200)


@desk_required
def desk_member_request(request: HttpRequest) -> HttpResponse:
    """A member's request handed in at a desk: find the member by his membership number, then the same form as
    his own page, with the date received (which may be earlier than today)."""
    number = (request.GET.get("member") or request.POST.get("member") or "").strip()
    member = Member.objects.filter(membership_number=number).first() if number else None
    if member is None:
        return render(request, "memberships/desk_member_request.html", {"member": None, "number": number},
                      status=404 if number else 200)
    children = list(member.beneficiaries.filter(relation="child"))
    form = DeskMemberRequestForm(children=children, initial={"received_on": timezone.localdate()})
    people = PeopleFormSet(prefix="people")
    if request.method == "POST":
        form = DeskMemberRequestForm(request.POST, request.FILES, children=children)
        people = PeopleFormSet(request.POST, request.FILES, prefix="people")
        app = _request_post(request, member=member, form=form, people=people, channel="front_desk",
                            received_on=form.cleaned_data.get("received_on") if form.is_valid() else None)
        if app is not None:
            return redirect("memberships:desk_detail", pk=app.pk)
    return render(request, "memberships/desk_member_request.html", {
        "member": member, "number": number, "form": form, "people": people},
        status=400 if request.method == "POST" else 200)


@member_required
def member_request(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the member's own requests: documents, the status timeline, the decision and its reason; a missing
    scan can be added here. Another member's request is not found (404)."""
    app = get_object_or_404(applications_for_member(member=_member(request)).select_related("target"), pk=pk)
    people = list(app.people.all())
    document_form = DocumentForm(people=people)
    if request.method == "POST":
        document_form = DocumentForm(request.POST, request.FILES, people=people)
        if document_form.is_valid():
            person = next((p for p in people if p.pk == document_form.cleaned_data["person"]), None)
            try:
                document_add(app=app, by=request.user, kind=document_form.cleaned_data["kind"],
                             upload=document_form.cleaned_data["scan"], person=person)
            except ValidationError as error:
                _spread(error, document_form)
            else:
                messages.success(request, _("Document added."))
                return redirect("memberships:member_request", pk=pk)
    return render(request, "memberships/member_request.html", {
        "app": app, "people": people, "document_form": document_form,
        "documents": app.documents.select_related("person"),
        "timeline": app.status_changes.all(),
        "missing": [(DocumentKind(kind).label, person) for kind, person in missing_documents(app)]},
        status=400 if request.method == "POST" else 200)
