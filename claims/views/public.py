"""Public tracking: a tracking code plus the member's birth date show the file's status, and nothing else."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from members.throttles import attempt_throttled

from ..forms import TrackForm
from ..models import ClaimFile, ClaimStatus
from ..selectors import claim_track
from ..status import MEMBER_EXPLANATIONS

# Every attempt counts: a printed code with 5 tries an hour leaves a birth date out of reach (about 20,000
# plausible dates); one address gets 30 tries an hour across every code.
TRACK_PER_CODE = "5/h"
TRACK_PER_ADDRESS = "30/h"


def _explanation(claim: ClaimFile) -> str:
    """What the status means; a forwarded file names the mutual it went to (printed on the receipt too), so the
    visitor knows whom to ask next."""
    if claim.status == ClaimStatus.FORWARDED:
        from units.selectors import localized_name

        return _("You belong to a sister mutual: your file has been forwarded to %(mutual)s for processing.") % {
            "mutual": localized_name(claim.member.mutual)}
    return str(MEMBER_EXPLANATIONS[claim.status])


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    # The birth date travels in a POST body, never in a URL; the QR code only fills in the code.
    form = TrackForm(request.POST) if request.method == "POST" else TrackForm(initial={"code": request.GET.get("code",
                                                                                                            "")})
    claim, searched = None, False
    if request.method == "POST" and attempt_throttled(
            request, group="track", target=request.POST.get("code", "").replace(" ", "").replace("-", ""),
            per_address=TRACK_PER_ADDRESS, per_target=TRACK_PER_CODE):
        form.is_valid()
        form.add_error(None, _("Too many attempts. Try again in an hour, or ask your service unit."))
        return render(request, "claims/public/track.html", {"form": form, "searched": False, "found": False},
                      status=429)
    if request.method == "POST" and form.is_valid():
        searched = True
        claim = claim_track(code=form.cleaned_data["code"], birth_date=form.cleaned_data["birth_date"])
    other = None
    if searched and claim is None:
        # Provident requests and membership applications share the code format and this page.
        for path in getattr(settings, "TRACKING_LOOKUPS", []):
            other = import_string(path)(code=form.cleaned_data["code"], birth_date=form.cleaned_data["birth_date"])
            if other:
                break
    if other:
        return render(request, "claims/public/track.html", {"form": form, "searched": True, "found": True, **other})
    return render(request, "claims/public/track.html", {
        "form": form, "searched": searched, "found": claim is not None,
        "status_label": claim.get_status_display() if claim else "",
        "explanation": _explanation(claim) if claim else "",
        "code": claim.tracking_code_display if claim else "",
    })
