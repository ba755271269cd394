"""Reads about provident requests: who sees which, one request's page, the public tracking lookup."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from claims.models.files import tracking_code_normalize
from claims.services.review import user_can_review
from units.scoping import units_for

from .models import Heir, ProvidentDocument, ProvidentRequest, ProvidentShare, RequestStatus


def requests_for_staff(*, user) -> QuerySet[ProvidentRequest]:
    """Liquidators and admins see every request; unit staff those registered at their units (online requests
    of members whose home unit is theirs too)."""
    requests = ProvidentRequest.objects.all()
    if user_can_review(user):
        return requests
    units = units_for(user)
    from django.db.models import Q

    return requests.filter(Q(unit__in=units) | Q(unit__isnull=True, member__home_unit__in=units))


def requests_for_member(*, member) -> QuerySet[ProvidentRequest]:
    return ProvidentRequest.objects.filter(member=member)


def request_page(*, requests: QuerySet[ProvidentRequest], pk: int) -> ProvidentRequest | None:
    return (requests.select_related("member", "deceased", "unit", "registered_by", "decided_by")
            .prefetch_related(
                Prefetch("heirs", queryset=Heir.objects.select_related("payable_share__paid__transfer__batch")),
                Prefetch("documents", queryset=ProvidentDocument.objects.select_related("heir")),
                Prefetch("shares", queryset=ProvidentShare.objects.select_related("heir", "paid__transfer__batch")),
                "status_changes__changed_by")
            .filter(pk=pk).first())


def request_track(*, code: str, birth_date: date) -> ProvidentRequest | None:
    """By tracking code and the member's birth date (heirs find it on the death certificate)."""
    normalized = tracking_code_normalize(code or "")
    if normalized is None:
        return None
    return ProvidentRequest.objects.filter(tracking_code=normalized, member__birth_date=birth_date).first()


def counts_by_status(*, requests: QuerySet[ProvidentRequest]) -> dict[str, int]:
    from django.db.models import Count

    rows = requests.values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in rows}
    return {status: found.get(status, 0) for status in RequestStatus.values}


def track_lookup(*, code: str, birth_date: date) -> dict | None:
    from .status import EXPLANATIONS

    found = request_track(code=code, birth_date=birth_date)
    if found is None:
        return None
    return {"kind_label": found.get_benefit_display(), "status_label": found.get_status_display(),
            "explanation": EXPLANATIONS[found.status], "code": found.tracking_code_display}
