"""What every desk view shares: who may enter, and which unit the desk is working for."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ..http import DeskRequest
from ..models import ServiceUnit
from ..scoping import is_desk_staff, units_for


def id_param(value: str | None) -> int:
    """An id from a query or a form ("?member=12"): its number, or 0 (no row has it) for anything else, so that
    get_object_or_404 answers 404 to "?member=abc" instead of the ValueError (500) the ORM raises on it."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and value.isascii() and len(value) <= 18 else 0


def role_permission_required(permission: str, *, write: str | None = None,
                             outsiders: type[Exception] = PermissionDenied) -> Callable:
    """The permission of the role that needs the page (units/roles.py, held through the role's group): `permission`
    to open it, `write` (when given) to post to it. Accounts that are not staff (members, partner providers) are
    outsiders: refused by role before any object is looked up, with 403 on the units pages and 404 on the claims
    pages (`outsiders=Http404`). Staff whose role lacks the permission get the styled 403 that says so. Which units
    an allowed account acts for is the views' scoping (units.scoping), never this decorator."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not (user.is_staff or user.is_superuser or is_desk_staff(user)):
                raise outsiders(_("This page is for the mutual's staff."))  # shown on the 403 page
            needed = write if write and request.method == "POST" else permission
            if not user.has_perm(needed):
                raise PermissionDenied(_("Your role does not allow this action."))
            return view(request, *args, **kwargs)

        wrapper.role_permission = permission  # type: ignore[attr-defined]  # read by tests/security/test_roles.py
        wrapper.role_write_permission = write or permission  # type: ignore[attr-defined]
        return wrapper

    return decorate


def current_unit(request: DeskRequest) -> ServiceUnit:
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


def cover_confirm(request: DeskRequest, *, cover, action: str, label: str) -> HttpResponse:
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
