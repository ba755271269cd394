"""The review queue: files priced above the review threshold wait for a liquidator, who approves them or
adjusts lines with a written reason. Every decision lands in the file's history (StatusChange + the line)."""

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from claims.liquidation import cents
from claims.models import ClaimFile, ClaimLine, ClaimStatus
from claims.status import InvalidTransition, claim_set_status
from units.models import StaffRole

ZERO = Decimal("0.00")
REVIEWER_ROLES = (StaffRole.LIQUIDATOR, StaffRole.ADMIN)


class ReviewError(ValueError):
    """An adjustment the liquidator must correct (no reason, negative or excessive amounts)."""


def user_can_review(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    from units.roles import roles_of

    return (user.is_superuser or bool(roles_of(user) & set(REVIEWER_ROLES))
            or user.assignments.filter(role__in=REVIEWER_ROLES).exists())


def review_queue() -> QuerySet[ClaimFile]:
    return (
        ClaimFile.objects.filter(status=ClaimStatus.IN_REVIEW)
        .select_related("member", "beneficiary")
        .order_by("received_on", "created_at", "pk")
    )


def _locked_in_review(claim: ClaimFile) -> ClaimFile:
    locked = ClaimFile.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.IN_REVIEW:
        raise InvalidTransition(locked, ClaimStatus.LIQUIDATED)
    return locked


@transaction.atomic
def review_approve(*, claim: ClaimFile, by, reason: str = "") -> ClaimFile:
    locked = _locked_in_review(claim)
    claim_set_status(claim=locked, to_status=ClaimStatus.LIQUIDATED, by=by,
                     reason=reason.strip() or "Approved after review.", reason_code="APPROVED_AFTER_REVIEW",
                     reason_params={"note": reason.strip()})
    return locked


@transaction.atomic
def review_adjust(*, claim: ClaimFile, by, adjustments: Mapping[int, tuple[Decimal, Decimal]],
                  reason: str) -> ClaimFile:
    """Sets new AMO and complementary amounts on some lines (`{line_id: (amo, complementary)}`), keeps the
    reason on each adjusted line and in the status change, recomputes the totals and closes the review:
    `liquidated`, or `rejected` when nothing is left to pay."""
    reason = reason.strip()
    if not reason:
        raise ReviewError("an adjustment needs a written reason")
    locked = _locked_in_review(claim)
    lines = {line.pk: line for line in ClaimLine.objects.filter(claim=locked)}
    changed = []
    for line_id, (amo, complementary) in adjustments.items():
        line = lines.get(line_id)
        if line is None:
            raise ReviewError(f"line {line_id} is not a line of this file")
        amo, complementary = cents(Decimal(amo)), cents(Decimal(complementary))
        base = line.base_amount or ZERO
        if amo < 0 or complementary < 0 or amo + complementary > base:
            raise ReviewError(f"line {line.position}: amounts must be at least 0 and together at most the base {base}")
        if (amo, complementary) == (line.amo_amount, line.complementary_amount):
            continue
        line.amo_amount, line.complementary_amount = amo, complementary
        line.accepted = amo + complementary > 0
        line.adjustment_reason = reason
        changed.append(line)
    ClaimLine.objects.bulk_update(changed, ["amo_amount", "complementary_amount", "accepted", "adjustment_reason"])
    locked.total_amo = sum((line.amo_amount or ZERO for line in lines.values()), ZERO)
    locked.total_complementary = sum((line.complementary_amount or ZERO for line in lines.values()), ZERO)
    locked.total_reimbursed = locked.total_amo + locked.total_complementary
    locked.save(update_fields=["total_amo", "total_complementary", "total_reimbursed", "updated_at"])
    to_status = ClaimStatus.LIQUIDATED if locked.total_reimbursed > 0 else ClaimStatus.REJECTED
    claim_set_status(claim=locked, to_status=to_status, by=by, reason=f"Adjusted after review: {reason}",
                     reason_code="ADJUSTED_AFTER_REVIEW", reason_params={"note": reason})
    return locked
