"""The owner's page of API tokens: which clients hold one, since when, until when, last used; revoke any."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .selectors import tokens_of
from .services import token_revoke


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return render(request, "security/tokens.html", {"tokens": tokens_of(user=request.user)})


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, key: str) -> HttpResponse:
    if not token_revoke(user=request.user, token_key=key):
        raise Http404
    messages.success(request, _("The token is revoked: the client that held it can no longer call the API."))
    return redirect("security:tokens")
