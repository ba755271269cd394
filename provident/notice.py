"""The member's notification-centre entries (notices.Notice) for the steps of his provident requests: received,
incomplete, in review, liquidated or rejected, paid. A notice stores a code and parameters and is worded when it is
read, in the reader's language. Heirs filing the death of a member have no account: they are told by SMS/e-mail
(provident.notifications) only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import BenefitCode, ProvidentRequest, RequestStatus

PROVIDENT_STATUS = "provident.status"
PROVIDENT_GRANTED = "provident.granted"  # liquidated or paid: the amount is told
NOTICE_STATUSES = (RequestStatus.RECEIVED, RequestStatus.INCOMPLETE, RequestStatus.IN_REVIEW,
                   RequestStatus.LIQUIDATED, RequestStatus.REJECTED, RequestStatus.PAID)


def _status_label(value: object) -> str:
    return str(RequestStatus(value).label) if value in RequestStatus.values else str(value)


def register_notices() -> None:
    """The notice codes of provident requests and their words (notices.messages), once, at start-up."""
    from notices.messages import register, register_param

    register(PROVIDENT_STATUS, _("Provident request %(tracking)s: %(provident_status)s."))
    register(PROVIDENT_GRANTED, _("Provident request %(tracking)s: %(provident_status)s, %(amount)s MAD."))
    register_param("provident_status", _status_label)


def provident_notice(*, request: ProvidentRequest, to_status: str) -> None:
    """The member's notification-centre entry for this step (in the caller's transaction). The death of a
    member is filed by heirs without an account: they are told by SMS/e-mail only."""
    if request.benefit == BenefitCode.MEMBER_DEATH or to_status not in NOTICE_STATUSES:
        return
    from members.models import Member
    from notices.services import notice_create

    user_id = Member.objects.filter(pk=request.member_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return
    params: dict[str, object] = {"tracking": request.tracking_code, "provident_status": to_status}
    code = PROVIDENT_STATUS
    if to_status in (RequestStatus.LIQUIDATED, RequestStatus.PAID) and request.amount:
        code, params["amount"] = PROVIDENT_GRANTED, request.amount
    notice_create(user_id=user_id, code=code, params=params,
                  link=reverse("provident:member_detail", args=[request.pk]))
