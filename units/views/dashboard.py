"""The unit manager's home: the unit as it stands now (files by status, requests waiting, today's visits and
appointments, the staff, the opening hours and their editor), then the last 30 days as charts, and those figures
as CSV."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mutuelle import csv_safe

from ..scoping import hours_units_for, managed_units_for
from ..selectors import localized_name, unit_dashboard
from ..selectors_hours import opening_summary
from ..selectors_manager import unit_now
from .common import role_permission_required


def _scope(request: HttpRequest):
    """(units, selected unit or None for every unit the manager reads)."""
    units = managed_units_for(request.user).order_by("code")
    if not units.exists():
        raise PermissionDenied
    code = request.GET.get("unit", "")
    selected = units.filter(code=code).first() if code else None
    if selected is None and units.count() == 1:
        selected = units.first()
    return units, selected


@role_permission_required("units.view_unit_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    units, selected = _scope(request)
    figures = unit_dashboard(units=units.filter(pk=selected.pk) if selected else units)
    chart_data = {
        "days": [day.isoformat() for day, _n in figures.visits_per_day],
        "visits": [n for _day, n in figures.visits_per_day],
        "services": [label for label, _n in figures.visits_per_service],
        "service_visits": [n for _label, n in figures.visits_per_service],
        "files": [figures.files_received, figures.files_liquidated, figures.files_rejected],
        "labels": {"visits": _("Visits"), "files": [_("Received"), _("Liquidated"), _("Rejected")]},
    }
    from memberships.selectors import unit_counts

    scope = units.filter(pk=selected.pk) if selected else units
    scoped = [selected.pk] if selected else list(units.values_list("pk", flat=True))
    return render(request, "units/dashboard.html", {
        "units": units, "selected": selected, "figures": figures, "chart_data": chart_data,
        "memberships": unit_counts(unit_ids=scoped, since=figures.first_day), "now": unit_now(units=scope),
        "hours_summary": opening_summary(unit=selected) if selected else None,
        "may_edit_hours": bool(selected and request.user.has_perm("units.change_openinghours")
                               and hours_units_for(request.user).filter(pk=selected.pk).exists()),
        "scope_name": localized_name(selected) if selected else _("All units")})


@role_permission_required("units.view_unit_dashboard")
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    units, selected = _scope(request)
    figures = unit_dashboard(units=units.filter(pk=selected.pk) if selected else units)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    scope = selected.code if selected else "all"
    response["Content-Disposition"] = f'attachment; filename="unit-dashboard-{scope}-{figures.last_day}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Arabic names as UTF-8
    writer = csv_safe.writer(response)
    writer.writerow([_("section"), _("key"), _("value")])
    for day, count in figures.visits_per_day:
        writer.writerow(["visits_per_day", day.isoformat(), count])
    for label, count in figures.visits_per_service:
        writer.writerow(["visits_per_service", label, count])
    writer.writerow(["summary", "visits_total", figures.visits_total])
    writer.writerow(["summary", "average_wait_minutes",
                     "" if figures.average_wait_minutes is None else figures.average_wait_minutes])
    writer.writerow(["summary", "files_received", figures.files_received])
    writer.writerow(["summary", "files_liquidated", figures.files_liquidated])
    writer.writerow(["summary", "files_rejected", figures.files_rejected])
    writer.writerow(["summary", "slot_capacity", figures.slot_capacity])
    writer.writerow(["summary", "appointments_taken", figures.appointments_taken])
    writer.writerow(["summary", "fill_rate_percent", "" if figures.fill_rate is None else figures.fill_rate])
    return response


@role_permission_required("units.view_staffassignment")
def unit_staff(request: HttpRequest) -> HttpResponse:
    """The staff of the units the manager reads, with their roles."""
    from ..models import StaffAssignment

    units, selected = _scope(request)
    scope = units.filter(pk=selected.pk) if selected else units
    assignments = (StaffAssignment.objects.filter(unit__in=scope).select_related("user", "unit")
                   .order_by("unit__code", "role", "user__last_name", "user__username"))
    return render(request, "units/unit_staff.html", {"units": units, "selected": selected,
                                                     "assignments": assignments})
