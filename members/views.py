"""The member's own space and the public attestation check. Views parse, call a service or selector, render."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from claims.selectors import member_claim_list
from claims.selectors_agreements import member_current_agreements
from units.selectors import member_upcoming_appointments

from . import selectors, services
from .attestation_pdf import render_attestation
from .forms import ActivationForm, ChangeRequestForm
from .models import Attestation, ChangeRequest, ChangeStatus, Member
from .throttles import attempt_throttled


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, with a member file linked to the account; the member is passed to the view."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = selectors.member_for_user(user=request.user)
        if member is None:
            raise PermissionDenied(_("This page is for members."))
        return view(request, member, *args, **kwargs)

    return wrapper


ACTIVATION_PER_ADDRESS = "10/h"  # attempts (not only failures) per client address
ACTIVATION_PER_NUMBER = "10/h"  # attempts per membership number, from any address


def activate(request: HttpRequest) -> HttpResponse:
    """Three facts open an account, so every attempt is counted, per address and per membership number, and every
    failure (a wrong fact, a membership already activated, a password too close to the member's details) gets one
    and the same message: the form tells nothing about which fact was right. A weak password is refused before
    the facts are looked at."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and attempt_throttled(
            request, group="activation", target=request.POST.get("membership_number", ""),
            per_address=ACTIVATION_PER_ADDRESS, per_target=ACTIVATION_PER_NUMBER):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Try again in an hour, or ask your service unit."))
        return render(request, "members/activate.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.member_activate(
                membership_number=form.cleaned_data["membership_number"], cin=form.cleaned_data["cin"],
                birth_date=form.cleaned_data["birth_date"], password=form.cleaned_data["password1"],
            )
        except (services.ActivationError, ValidationError):
            form.add_error(None, str(services.ACTIVATION_FAILED))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your web account is ready. Your username is your membership number."))
            return redirect("dashboard")
    return render(request, "members/activate.html", {"form": form})


@member_required
def dashboard(request: HttpRequest, member: Member) -> HttpResponse:
    overview = selectors.member_overview(member=member, refetch=False)
    latest_files = list(member_claim_list(member=member)[:5])
    appointments = member_upcoming_appointments(member=member)
    return render(request, "members/dashboard.html", {"overview": overview, "latest_files": latest_files,
                                                      "appointments": appointments,
                                                      "agreements": member_current_agreements(member=member),
                                                      "files_url": reverse("claims:member_claims"),
                                                      "agreements_url": reverse("claims:member_agreements")})


@member_required
def profile(request: HttpRequest, member: Member) -> HttpResponse:
    overview = selectors.member_overview(member=member, refetch=False)
    return render(request, "members/profile.html", {"overview": overview, "member": overview.member})


@member_required
def change_requests(request: HttpRequest, member: Member) -> HttpResponse:
    form = ChangeRequestForm(request.POST or None, initial={"field": request.GET.get("field", "address")})
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_request_create(member=member, field=form.cleaned_data["field"],
                                                    new_value=form.cleaned_data["new_value"], by=request.user)
        except ValidationError as error:
            form.add_error("new_value", error)
        else:
            if change.status == ChangeStatus.PENDING:
                messages.success(request, _("Your bank account change is recorded; it applies once the mutual has "
                                            "checked it."))
            else:
                messages.success(request, _("Your change is saved."))
            return redirect("change_requests")
    return render(request, "members/change_requests.html", {
        "form": form, "member": member, "change_requests": member.change_requests.select_related("decided_by")[:50],
    })


@member_required
def change_request_detail(request: HttpRequest, member: Member, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeRequest, pk=pk, member=member)
    return render(request, "members/change_request_detail.html", {"change": change})


@require_POST
@member_required
def attestation_new(request: HttpRequest, member: Member) -> HttpResponse:
    attestation = services.attestation_issue(member=member, by=request.user)
    return redirect("attestation_pdf", code=attestation.code)


@member_required
def attestation_pdf(request: HttpRequest, member: Member, code: str) -> HttpResponse:
    attestation = get_object_or_404(Attestation, code=code, member=member)
    overview = selectors.member_overview(member=member, on=attestation.issued_on)
    verify_url = request.build_absolute_uri(reverse("attestation_verify", args=[attestation.code]))
    pdf = render_attestation(attestation=attestation, overview=overview, verify_url=verify_url,
                             rtl=get_language_bidi())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{attestation.code}.pdf"'
    return response


def attestation_verify(request: HttpRequest, code: str) -> HttpResponse:
    attestation = Attestation.objects.filter(code=code.strip().upper()).first()
    return render(request, "members/verify.html", {"attestation": attestation, "code": code})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a logged-in user the choice is also kept on the account."""
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=request.POST.get("language", ""))
    return set_language(request)
