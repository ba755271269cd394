"""The front desk: queue of today's visits, member search as you type, reception to follow-up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Beneficiary, Member

from .. import services
from ..forms import VisitorForm, VisitUpdateForm
from ..http import DeskRequest
from ..selectors import desk_member_search, visit_queue, visits_for
from .common import current_unit, id_param, reverse_or_none, role_permission_required


def _queue_context(unit) -> dict:
    visits = list(visit_queue(unit=unit))
    return {"unit": unit, "visits": visits, "waiting": sum(1 for v in visits if v.status == "open")}


@role_permission_required("units.view_visit")
def desk_home(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    context = _queue_context(unit)
    context.update({"visitor_form": VisitorForm(unit=unit), "desk_units": request.desk_units})
    return render(request, "units/desk_home.html", context)


@role_permission_required("units.view_visit")
def desk_queue(request: DeskRequest) -> HttpResponse:
    """The queue alone, polled by the desk page every few seconds."""
    unit = current_unit(request)
    return render(request, "units/partials/queue.html", _queue_context(unit))


@role_permission_required("units.view_visit")
def desk_search(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    query = request.GET.get("q", "")
    results = desk_member_search(query=query)
    return render(request, "units/partials/search_results.html", {
        "unit": unit, "query": query.strip(), "results": results,
        "register_url": reverse_or_none("claims:desk_register"),
        "bookable": [s for s in unit.services.all() if s.bookable],
        "has_dentures": unit.services.filter(code="dentures").exists(),
    })


@require_POST
@role_permission_required("units.add_visit")
def visit_receive(request: DeskRequest) -> HttpResponse:
    """Reception: an identified member (from the search) or a visitor typed in by name."""
    unit = current_unit(request)
    if request.POST.get("member"):
        member = get_object_or_404(Member, pk=id_param(request.POST["member"]))
        beneficiary = None
        if request.POST.get("beneficiary"):
            beneficiary = get_object_or_404(Beneficiary, pk=id_param(request.POST["beneficiary"]), member=member)
        visit = services.visit_create(unit=unit, by=request.user, member=member, beneficiary=beneficiary,
                                      request_types=request.POST.getlist("request_types"))
    else:
        form = VisitorForm(request.POST, unit=unit)
        if not form.is_valid():
            if request.htmx:
                return render(request, "units/partials/visitor_form.html", {"visitor_form": form, "unit": unit})
            messages.error(request, _("Write the visitor's name."))
            return redirect("units:desk")
        try:
            visit = services.visit_create(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("units:desk")
    if request.htmx:
        # A visitor typed in gets a fresh form under the confirmation; a member from the search just the message.
        fresh_form = None if request.POST.get("member") else VisitorForm(unit=unit)
        response = render(request, "units/partials/visit_received.html",
                          {"visit": visit, "unit": unit, "visitor_form": fresh_form})
        response["HX-Trigger"] = "queueChanged"
        return response
    messages.success(request, _("Visit recorded."))
    return redirect("units:desk")


@role_permission_required("units.view_visit", write="units.change_visit")
def visit_detail(request: DeskRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(visits_for(request.user), pk=pk)
    form = VisitUpdateForm(request.POST or None, unit=visit.unit, initial={
        "request_types": visit.request_types, "oriented_to": visit.oriented_to, "outcome": visit.outcome,
        "follow_up_notes": visit.follow_up_notes})
    if request.method == "POST" and form.is_valid():
        services.visit_update(visit=visit, by=request.user, **form.cleaned_data)
        if "close" in request.POST:
            services.visit_close(visit=visit, by=request.user)
        messages.success(request, _("Visit updated."))
        return redirect("units:visit", pk=visit.pk)
    return render(request, "units/visit_detail.html", {
        "visit": visit, "form": form, "history": visit.history.select_related("history_user")[:20],
        "register_url": reverse_or_none("claims:desk_register"),
    })


@require_POST
@role_permission_required("units.change_visit")
def visit_action(request: DeskRequest, pk: int, action: str) -> HttpResponse:
    visit = get_object_or_404(visits_for(request.user), pk=pk)
    if action == "serve":
        services.visit_serve(visit=visit, by=request.user)
    elif action == "close":
        services.visit_close(visit=visit, by=request.user, outcome=request.POST.get("outcome", ""))
    elif action == "reopen":
        services.visit_reopen(visit=visit, by=request.user, note=request.POST.get("note", ""))
    if request.htmx:
        return render(request, "units/partials/queue.html", _queue_context(visit.unit))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("units:visit", pk=visit.pk)
