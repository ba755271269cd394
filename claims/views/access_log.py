"""The member's view of the health-data access log: who from the mutual opened their files, and when."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.http import MemberRequest

from ..services.access_log import health_accesses_for_member
from .common import member_required

PAGE_SIZE = 50


@require_GET
@member_required
def access_log(request: MemberRequest) -> HttpResponse:
    page = Paginator(health_accesses_for_member(member=request.member), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "claims/access_log.html", {"page": page})
