"""The member's prior agreements (/me/agreements/): his and his beneficiaries' requests and their decisions.
Everything starts from the member of the logged-in account, so another member's agreement is a 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.http import MemberRequest

from ..selectors_agreements import member_agreement, member_agreements
from .common import member_required


@require_GET
@member_required
def agreement_list(request: MemberRequest) -> HttpResponse:
    return render(request, "claims/member/agreements.html", {"rows": member_agreements(member=request.member)})


@require_GET
@member_required
def agreement_detail(request: MemberRequest, pk: int) -> HttpResponse:
    row = member_agreement(member=request.member, pk=pk)
    if row is None:
        raise Http404("no such agreement for this member")
    return render(request, "claims/member/agreement.html", {"row": row})
