"""Public tracking: a tracking code plus the member's birth date show the file's status, and nothing else."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ..forms import TrackForm
from ..selectors import claim_track
from ..status import MEMBER_EXPLANATIONS


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    # The birth date travels in a POST body, never in a URL; the QR code only fills in the code.
    form = TrackForm(request.POST) if request.method == "POST" else TrackForm(initial={"code": request.GET.get("code",
                                                                                                            "")})
    claim, searched = None, False
    if request.method == "POST" and form.is_valid():
        searched = True
        claim = claim_track(code=form.cleaned_data["code"], birth_date=form.cleaned_data["birth_date"])
    return render(request, "claims/public/track.html", {
        "form": form, "searched": searched, "found": claim is not None,
        "status_label": claim.get_status_display() if claim else "",
        "explanation": MEMBER_EXPLANATIONS[claim.status] if claim else "",
        "code": claim.tracking_code_display if claim else "",
    })
