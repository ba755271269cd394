"""The second liquidator's decision on a request `in_review` (every member death, and every amount above the
threshold): four eyes, so the approver is never the person who registered the request."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.services.review import user_can_review

from ..models import ProvidentRequest, RequestStatus
from ..status import request_set_status


def review_queue() -> QuerySet[ProvidentRequest]:
    return (ProvidentRequest.objects.filter(status=RequestStatus.IN_REVIEW)
            .select_related("member", "unit", "registered_by").order_by("liquidated_at", "pk"))


def user_can_decide(user) -> bool:
    """Liquidators, provident officers and administrators."""
    from units.roles import PROVIDENT_OFFICER, roles_of

    return user_can_review(user) or (user.is_authenticated and PROVIDENT_OFFICER in roles_of(user))


def _check(request: ProvidentRequest, by) -> None:
    if not user_can_decide(by):
        raise PermissionDenied(_("Only liquidators decide provident requests."))
    if request.registered_by_id is not None and request.registered_by_id == by.pk:
        raise ValidationError(_("Four eyes: a liquidator other than the person who registered this request "
                                "approves or rejects it."), code="four_eyes")


@transaction.atomic
def provident_approve(*, request: ProvidentRequest, by, note: str = "") -> ProvidentRequest:
    _check(request, by)
    request_set_status(request=request, to_status=RequestStatus.LIQUIDATED, by=by,
                       reason=note or "Approved by a second liquidator.", decided_by=by,
                       decided_at=timezone.now(), decision_note=note[:300])
    return request


@transaction.atomic
def provident_reject(*, request: ProvidentRequest, by, note: str) -> ProvidentRequest:
    _check(request, by)
    if not (note or "").strip():
        raise ValidationError(_("Write the reason for the refusal."), code="reason")
    request_set_status(request=request, to_status=RequestStatus.REJECTED, by=by, reason=note,
                       reason_code="REVIEW_REJECTED", decided_by=by, decided_at=timezone.now(),
                       decision_note=note.strip()[:300])
    return request
