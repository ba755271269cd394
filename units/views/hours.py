"""The unit manager's page of the unit's opening hours: the week, edited in one form, and the history of changes.
A manager changes the hours of his own units only (units.scoping.hours_units_for); the public unit pages, the
desk, the member's booking and the API show them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms_desk import spread_errors
from ..forms_hours import OpeningHoursForm
from ..scoping import hours_units_for
from ..selectors_hours import opening_hours_history, opening_summary, opening_week, period_text
from ..services_hours import unit_opening_hours_set
from .common import role_permission_required


def _author(user) -> str:
    """Who made a change: "—" for the demo seeding and the migration, which act as no account."""
    return (user.get_full_name() or user.username) if user is not None else "—"


@role_permission_required("units.view_openinghours", write="units.change_openinghours")
def opening_hours_edit(request: HttpRequest) -> HttpResponse:
    units = list(hours_units_for(request.user).prefetch_related("opening_hours").order_by("code"))
    if not units:
        raise PermissionDenied(_("Only a unit's manager changes its opening hours."))
    wanted = request.POST.get("unit") or request.GET.get("unit")
    unit = next((u for u in units if u.code == wanted), None) if wanted else units[0]
    if unit is None:  # another unit's hours: not found, as any other unit's object
        raise Http404("not a unit of this manager")
    form = OpeningHoursForm(request.POST or None, week=opening_week(unit=unit))
    if request.method == "POST" and form.is_valid():
        try:
            changed = unit_opening_hours_set(unit=unit, by=request.user, periods=form.periods())
        except ValidationError as error:
            spread_errors(form, error)
        else:
            if changed:
                messages.success(request, _("The opening hours are saved."))
            else:
                messages.info(request, _("The opening hours are unchanged."))
            return redirect(f"{reverse('units:opening_hours')}?unit={unit.code}")
    history = [(row, period_text(row.opens, row.closes), _author(row.history_user))
               for row in opening_hours_history(unit=unit)[:30]]
    return render(request, "units/opening_hours.html", {
        "units": units, "unit": unit, "form": form, "summary": opening_summary(unit=unit), "history": history,
    }, status=400 if form.is_bound else 200)
