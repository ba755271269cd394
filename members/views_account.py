"""Every account's own pages: where it lands after login, its account page and the change of password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from units.roles import ROLE_LABELS, landing_url, roles_of
from units.scoping import units_for

from .http import AuthenticatedRequest
from .security import user_has_second_factor


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """After login: a member to his space, an agent to the desk, a liquidator to the review queue, a manager to
    the unit dashboard, an administrator to the administration (units/roles.py LANDING_ORDER)."""
    return redirect(landing_url(request.user))


@login_required
def account(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    return render(request, "members/account.html", {
        "role_labels": [ROLE_LABELS[role] for role in sorted(roles)],
        "units": units_for(request.user).order_by("code") if roles - {"member"} else [],
        "second_factor": user_has_second_factor(user=request.user),
    })


@login_required
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # the other sessions end; this one stays signed in
        messages.success(request, _("Your password is changed."))
        return redirect("account")
    return render(request, "members/password_change.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
