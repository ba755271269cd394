"""Reads for the operators' metrics (`/metrics`): backlog, age of the oldest waiting file, files in review by
reason, files waiting for an IBAN. A handful of indexed counts, run at each Prometheus scrape."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import ClaimFile, ClaimStatus, StatusChange
from claims.services.payments import members_waiting_for_iban, payable_files

IN_REVIEW_REASONS = ("threshold", "error")


@dataclass(frozen=True)
class ClaimFigures:
    per_status: dict[str, int]
    oldest_received_age_seconds: float
    in_review: dict[str, int]  # "threshold" (above the review threshold) or "error" (the engine could not price it)
    payable_without_iban: int


def _entered(status: str) -> Subquery:
    """When a file last moved into `status` (its newest history row to that status)."""
    return Subquery(StatusChange.objects.filter(claim=OuterRef("pk"), to_status=status)
                    .order_by("-changed_at", "-pk").values("changed_at")[:1])


def claim_figures(*, now: datetime | None = None) -> ClaimFigures:
    now = now or timezone.now()
    counts = dict(ClaimFile.objects.order_by().values_list("status").annotate(n=Count("pk")))
    per_status = {status: counts.get(status, 0) for status in ClaimStatus.values}

    oldest = (ClaimFile.objects.filter(status=ClaimStatus.RECEIVED)
              .annotate(since=Coalesce(_entered(ClaimStatus.RECEIVED), "created_at"))
              .order_by("since").values_list("since", flat=True).first())
    age = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0

    # A file the engine could not price went to review with the error as the reason of that move; a file above
    # the review threshold moved there with no reason.
    reason_of_review = Subquery(StatusChange.objects.filter(claim=OuterRef("pk"), to_status=ClaimStatus.IN_REVIEW)
                                .order_by("-changed_at", "-pk").values("reason")[:1])
    review = (ClaimFile.objects.filter(status=ClaimStatus.IN_REVIEW).annotate(reason=reason_of_review)
              .aggregate(error=Count("pk", filter=~Q(reason="") & Q(reason__isnull=False)),
                         threshold=Count("pk", filter=Q(reason="") | Q(reason__isnull=True))))

    without_iban = list(members_waiting_for_iban().values_list("pk", flat=True))
    waiting = payable_files().filter(member_id__in=without_iban).count() if without_iban else 0
    return ClaimFigures(per_status=per_status, oldest_received_age_seconds=age,
                        in_review={reason: review[reason] for reason in IN_REVIEW_REASONS},
                        payable_without_iban=waiting)
