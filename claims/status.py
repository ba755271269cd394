"""The claim file's status pipeline: one transition table, one function that applies it and writes history."""

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ClaimFile, ClaimStatus, StatusChange

S = ClaimStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.RECEIVED, S.FORWARDED}),
    # RECEIVED -> IN_REVIEW: a file whose liquidation keeps failing is set aside for a liquidator.
    S.RECEIVED: frozenset({S.INCOMPLETE, S.LIQUIDATING, S.FORWARDED, S.IN_REVIEW}),
    S.INCOMPLETE: frozenset({S.RECEIVED}),
    # A worker that died mid-liquidation leaves LIQUIDATING behind; the sweep moves it back to RECEIVED.
    S.LIQUIDATING: frozenset({S.LIQUIDATED, S.REJECTED, S.IN_REVIEW, S.FORWARDED, S.RECEIVED}),
    S.IN_REVIEW: frozenset({S.LIQUIDATED, S.REJECTED}),
    S.LIQUIDATED: frozenset({S.PAID}),
    S.REJECTED: frozenset(),
    S.FORWARDED: frozenset(),
    S.PAID: frozenset(),
}

# Moves the member is told about (e-mail/SMS by claims.notifications, a notice in the notification centre).
NOTIFIED_STATUSES = frozenset({S.RECEIVED, S.INCOMPLETE, S.LIQUIDATED, S.REJECTED, S.IN_REVIEW, S.FORWARDED, S.PAID})

# What a member reads about each status, in plain words.
MEMBER_EXPLANATIONS: dict[str, Promise] = {
    S.DRAFT: _("You are still preparing this file: it has not been sent to the mutual yet."),
    S.RECEIVED: _("The mutual has received your file. It will be checked and priced shortly."),
    S.INCOMPLETE: _("Documents are missing. Add them to your file so that it can be processed."),
    S.LIQUIDATING: _("Your file is being priced right now."),
    S.LIQUIDATED: _("Your reimbursement has been computed. It will be paid by bank transfer in the next payment."),
    S.REJECTED: _("No line of this file could be reimbursed. Each line says why."),
    S.IN_REVIEW: _("Your file is above the review threshold: a liquidator checks it before payment."),
    S.FORWARDED: _("You belong to a sister mutual: your file has been forwarded to it for processing."),
    S.PAID: _("Your reimbursement has been paid to your bank account."),
}


class InvalidTransition(Exception):
    def __init__(self, claim: ClaimFile, to_status: str) -> None:
        super().__init__(f"File {claim.tracking_code} cannot go from {claim.status} to {to_status}.")
        self.from_status = claim.status
        self.to_status = to_status


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


@transaction.atomic
def claim_set_status(
    *, claim: ClaimFile, to_status: str, by=None, reason: str = "", notify: bool = True, reason_code: str = "",
    reason_params: dict | None = None,
) -> StatusChange:
    """Moves `claim` to `to_status` or raises InvalidTransition; records who, when and why.

    The move is a conditional UPDATE on the status the caller saw, so two concurrent movers cannot both win.
    With `notify`, the member is told (through the outbox) when the new status is one members hear about."""
    from_status = claim.status
    if not can_move(from_status, to_status):
        raise InvalidTransition(claim, to_status)
    moved = ClaimFile.objects.filter(pk=claim.pk, status=from_status).update(
        status=to_status, updated_at=timezone.now()
    )
    if moved != 1:
        claim.refresh_from_db(fields=["status"])
        raise InvalidTransition(claim, to_status)
    claim.status = to_status
    change = StatusChange.objects.create(
        claim=claim, from_status=from_status, to_status=to_status, changed_by=by, reason=reason,
        reason_code=reason_code, reason_params=reason_params or {},
    )
    if notify:
        from outbox.services import outbox_enqueue

        if to_status in NOTIFIED_STATUSES:  # an outbox row of this transaction: a broker outage only delays it
            _notice(claim, to_status)
            outbox_enqueue(task="claims.tasks.notify_claim_status", args=[change.pk])
    return change


def _notice(claim: ClaimFile, to_status: str) -> None:
    """The member's notification centre entry (e-mail/SMS go through claims.tasks.notify_claim_status)."""
    from django.urls import reverse

    from members.models import Member
    from notices.messages import CLAIM_STATUS
    from notices.services import notice_create

    user_id = Member.objects.filter(pk=claim.member_id).values_list("user_id", flat=True).first()
    link = reverse("claims:member_claim", args=[claim.pk])
    notice_create(user_id=user_id, code=CLAIM_STATUS, link=link,
                  params={"tracking": claim.tracking_code, "status": to_status})
