"""What every desk view shares: who may enter, and which unit the desk is working for."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from ..models import ServiceUnit
from ..scoping import is_desk_staff, units_for


def desk_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_desk_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def current_unit(request: HttpRequest) -> ServiceUnit:
    """The unit the desk works for: ?unit=<code> (remembered in the session) among the user's units."""
    units = list(units_for(request.user).order_by("code"))
    if not units:
        raise PermissionDenied
    wanted = request.GET.get("unit") or request.session.get("desk_unit")
    unit = next((u for u in units if u.code == wanted), units[0])
    if request.session.get("desk_unit") != unit.code:
        request.session["desk_unit"] = unit.code
    request.desk_units = units
    return unit


def reverse_or_none(name: str, **kwargs) -> str | None:
    """Links to other engineers' pages that may not exist yet are shown only when they resolve."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def cover_confirm(request: HttpRequest, *, cover, action: str, label: str) -> HttpResponse:
    """Asks the agent to confirm an action for a beneficiary not covered on its date, saying why (the form
    posts the same fields again with confirm_uncovered=1)."""
    from django.shortcuts import render

    fields = [(name, value) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"
              for value in values]
    template = "units/partials/cover_confirm.html"
    context = {"cover": cover, "action": action, "fields": fields, "confirm_label": label}
    if request.htmx:
        return render(request, template, context)
    return render(request, "units/cover_confirm.html", context, status=409)
