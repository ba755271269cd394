"""The notification centre: my notices, newest first, worded in my language; mark read; how else to tell me."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import DeliveryChoiceForm
from .messages import notice_text
from .selectors import delivery_channels, notices_for
from .services import delivery_choice_set, notices_mark_read

PAGE_SIZE = 30


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notices_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"notice": notice, "text": notice_text(notice.code, notice.params)} for notice in page.object_list]
    email, sms = delivery_channels(user=request.user)
    return render(request, "notices/list.html", {
        "page": page, "rows": rows, "form": DeliveryChoiceForm(initial={"email": email, "sms": sms}),
        "has_unread": any(notice.read_at is None for notice in page.object_list),
    })


@login_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """Marks one notice (`notice` field) or all unread ones (no field) as read."""
    raw = request.POST.get("notice", "")
    ids = [int(raw)] if raw.isdigit() else None
    notices_mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(request, _("All your notices are marked as read."))
    return redirect("notices:list")


@login_required
@require_POST
def delivery_choice(request: HttpRequest) -> HttpResponse:
    form = DeliveryChoiceForm(request.POST)
    if form.is_valid():
        delivery_choice_set(user=request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"])
        messages.success(request, _("Your choice is saved."))
    return redirect("notices:list")
