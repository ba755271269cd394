"""A provident request's status pipeline: one transition table, one function that applies it and writes history."""

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ProvidentRequest, ProvidentStatusChange, RequestStatus

S = RequestStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    # The worker decides in one transaction (received -> outcome): a worker dying midway leaves it received.
    S.RECEIVED: frozenset({S.INCOMPLETE, S.LIQUIDATED, S.REJECTED, S.IN_REVIEW}),
    S.INCOMPLETE: frozenset({S.RECEIVED}),
    S.IN_REVIEW: frozenset({S.LIQUIDATED, S.REJECTED}),
    S.LIQUIDATED: frozenset({S.PAID}),
    S.REJECTED: frozenset(),
    S.PAID: frozenset(),
}

# What the requester reads about each status.
EXPLANATIONS: dict[str, Promise] = {
    S.RECEIVED: _("The mutual has received the request. It will be checked and liquidated shortly."),
    S.INCOMPLETE: _("Documents are missing. Bring or send them so that the request can be liquidated."),
    S.IN_REVIEW: _("The allowance has been computed; a second liquidator checks it before payment."),
    S.LIQUIDATED: _("The allowance has been granted. It will be paid by bank transfer in the next payment."),
    S.REJECTED: _("The request could not be granted. The decision says why."),
    S.PAID: _("The allowance has been paid by bank transfer."),
}
NOTIFIED = (S.INCOMPLETE, S.IN_REVIEW, S.LIQUIDATED, S.REJECTED, S.PAID)


class InvalidTransition(Exception):
    def __init__(self, request: ProvidentRequest, to_status: str) -> None:
        super().__init__(f"Request {request.tracking_code} cannot go from {request.status} to {to_status}.")


@transaction.atomic
def request_set_status(*, request: ProvidentRequest, to_status: str, by=None, reason: str = "",
                       **fields) -> ProvidentStatusChange:
    """Moves `request` to `to_status` (with `fields` written in the same UPDATE) or raises InvalidTransition.
    The move is a conditional UPDATE on the status the caller saw, so two movers cannot both win."""
    from_status = request.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransition(request, to_status)
    moved = ProvidentRequest.objects.filter(pk=request.pk, status=from_status).update(status=to_status, **fields)
    if moved != 1:
        request.refresh_from_db(fields=["status"])
        raise InvalidTransition(request, to_status)
    request.status = to_status
    for name, value in fields.items():
        setattr(request, name, value)
    change = ProvidentStatusChange.objects.create(request=request, from_status=from_status, to_status=to_status,
                                                  changed_by=by, reason=reason[:300])
    from .notice import provident_notice

    provident_notice(request=request, to_status=to_status)
    if to_status in NOTIFIED:
        from outbox.services import outbox_enqueue

        outbox_enqueue(task="provident.tasks.notify_provident_status", args=[change.pk])
    return change
