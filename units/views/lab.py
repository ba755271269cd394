"""Removable denture lab orders at the desk."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Member

from .. import services
from ..forms import LabOrderForm
from ..http import DeskRequest
from ..models import LAB_STAGE_ORDER
from ..selectors import beneficiary_cover_on, lab_orders_for
from .common import cover_confirm, current_unit, id_param, role_permission_required


@role_permission_required("units.view_laborder")
def lab_order_list(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    orders = lab_orders_for(request.user).filter(unit=unit)[:200]
    return render(request, "units/lab_order_list.html",
                  {"unit": unit, "orders": orders, "desk_units": request.desk_units})


@role_permission_required("units.add_laborder")
def lab_order_new(request: DeskRequest) -> HttpResponse:
    unit = current_unit(request)
    member = get_object_or_404(Member, pk=id_param(request.GET.get("member") or request.POST.get("member")))
    form = LabOrderForm(request.POST or None, member=member, initial={"impression_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        cover = beneficiary_cover_on(beneficiary=form.cleaned_data["beneficiary"],
                                     on=form.cleaned_data["impression_on"])
        if not cover.eligible and not request.POST.get("confirm_uncovered"):
            return cover_confirm(request, cover=cover, action=request.get_full_path(),
                                 label=_("Open the order all the same"))
        try:
            order = services.lab_order_create(unit=unit, by=request.user, **form.cleaned_data)
        except services.LabOrderError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Lab order opened."))
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = order_url(order)
                return response
            return redirect(order_url(order))
    template = "units/partials/lab_order_form.html" if request.htmx else "units/lab_order_new.html"
    return render(request, template, {"unit": unit, "member": member, "form": form})


def order_url(order) -> str:
    from django.urls import reverse

    return reverse("units:lab_order", kwargs={"pk": order.pk})


@role_permission_required("units.view_laborder")
def lab_order_detail(request: DeskRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(lab_orders_for(request.user), pk=pk)
    return render(request, "units/lab_order_detail.html", {
        "order": order, "stages": LAB_STAGE_ORDER, "today": timezone.localdate(),
        "history": order.history.select_related("history_user")[:20]})


@require_POST
@role_permission_required("units.change_laborder")
def lab_order_advance(request: DeskRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(lab_orders_for(request.user), pk=pk)
    from datetime import date

    try:
        on = date.fromisoformat(request.POST.get("on", "")) if request.POST.get("on") else None
        order = services.lab_order_advance(lab_order=order, by=request.user, on=on)
    except (ValueError, services.LabOrderError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Stage recorded: %(stage)s.") % {"stage": order.get_stage_display()})
    return redirect("units:lab_order", pk=order.pk)
