"""Members' change requests and the four-eyes rule on bank accounts.

Contact data (address, phone, email) asked by the member applies at once. A bank account never does: whoever
asks for it (the member online, an agent at the desk or through the API), the new IBAN waits in a pending
ChangeRequest until a *second* staff account validates it (`change_request_approve`). The member is told by
e-mail and SMS, at the old and the new contact, when a change is asked and when it is decided."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutuelle.history import history_stamp

from .identifiers import normalize_iban, validate_moroccan_iban
from .models import ChangeField, ChangeRequest, ChangeStatus, Member, User

PHONE_RE = re.compile(r"^(?:\+212|00212|0)([5-8][0-9]{8})$")


class ChangeRequestNotPending(Exception):
    pass


class FourEyesRefused(PermissionError):
    """The account that asked for a bank-account change cannot also validate it."""


def clean_change_value(*, field: str, value: str) -> str:
    """The value normalised, or ValidationError with a message for the member."""
    value = (value or "").strip()
    if field == ChangeField.IBAN:
        validate_moroccan_iban(value)
        return normalize_iban(value)
    if field == ChangeField.PHONE:
        match = PHONE_RE.match(re.sub(r"[\s.\-()]", "", value))
        if not match:
            raise ValidationError(_("Enter a Moroccan phone number, e.g. 0612345678 or +212612345678."),
                                  code="phone")
        return "+212" + match.group(1)
    if field == ChangeField.EMAIL:
        validate_email(value)
        return value.lower()
    if field == ChangeField.ADDRESS:
        if len(value) < 5:
            raise ValidationError(_("Enter the full address."), code="address")
        return value[:300]
    raise ValidationError(_("This information cannot be changed online."), code="field")


def _apply(*, member: Member, field: str, value: str, by: User | None, reason: str) -> None:
    setattr(member, field, value)
    history_stamp(member, by=by, reason=reason)
    member.save(update_fields=[field])


def _replace_pending_iban(*, member: Member, by: User | None, note: str) -> None:
    for earlier in ChangeRequest.objects.filter(member=member, field=ChangeField.IBAN, status=ChangeStatus.PENDING):
        earlier.status, earlier.decided_at, earlier.decision_note = ChangeStatus.REJECTED, timezone.now(), note
        earlier.decided_by = by if by is not None and by.is_staff else None
        history_stamp(earlier, by=by)
        earlier.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def iban_change_request(*, member: Member, iban: str, by: User | None) -> ChangeRequest:
    """Asks for a new bank account on `member`'s file (the member himself or a staff account `by`); it
    applies only once another staff account approves it. Replaces any earlier request still waiting.
    Call inside a transaction holding the member's row lock."""
    from .notices import member_notice_queue

    request = ChangeRequest(member=member, field=ChangeField.IBAN, old_value=member.iban, new_value=iban,
                            requested_by=by)
    _replace_pending_iban(member=member, by=by, note="replaced by a newer request")
    history_stamp(request, by=by)
    request.save()
    member_notice_queue(member=member, event="iban_requested", change_request=request)
    return request


@transaction.atomic
def change_request_create(*, member: Member, field: str, new_value: str, by: User | None) -> ChangeRequest:
    """Records the request. Contact data (address, phone, email) applies at once; a bank account waits for
    a staff member's validation, and replaces any earlier request still waiting."""
    from .notices import member_notice_queue

    value = clean_change_value(field=field, value=new_value)
    member = Member.objects.select_for_update().get(pk=member.pk)
    old_value = getattr(member, field)
    if value == old_value:
        raise ValidationError(_("This is already the value on your file."), code="unchanged")
    if field == ChangeField.IBAN:
        return iban_change_request(member=member, iban=value, by=by)
    request = ChangeRequest(member=member, field=field, old_value=old_value, new_value=value, requested_by=by,
                            status=ChangeStatus.APPLIED, decided_at=timezone.now())
    _apply(member=member, field=field, value=value, by=by, reason="change request")
    history_stamp(request, by=by)
    request.save()
    if field in (ChangeField.PHONE, ChangeField.EMAIL):
        member_notice_queue(member=member, event="contact_changed", change_request=request)
    return request


def _decide(*, change_request: ChangeRequest, by: User, status: str, note: str) -> ChangeRequest:
    updated = ChangeRequest.objects.filter(pk=change_request.pk, status=ChangeStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_note=note[:300]
    )
    # The conditional update makes two staff deciding at once safe: only one of them moves the request.
    if updated != 1:
        raise ChangeRequestNotPending(change_request.pk)
    change_request.refresh_from_db()
    history_stamp(change_request, by=by)
    change_request.save()  # writes the history row of the decision
    _change_notice(change_request)
    return change_request


def _change_notice(change_request: ChangeRequest) -> None:
    """The member's notice (and e-mail/SMS as chosen), in the decision's transaction. A bank account's decision
    is told by members.notices (its security message to the old and new contacts, and the centre's notice)."""
    from django.urls import reverse

    from notices import messages
    from notices.services import notice_create

    if change_request.field == ChangeField.IBAN:
        return
    applied = change_request.status == ChangeStatus.APPLIED
    code = messages.CHANGE_APPLIED if applied else messages.CHANGE_REJECTED
    user_id = Member.objects.filter(pk=change_request.member_id).values_list("user_id", flat=True).first()
    notice_create(user_id=user_id, code=code, params={"field": change_request.field}, deliver=True,
                  link=reverse("change_request_detail", args=[change_request.pk]))


def change_request_may_decide(*, change_request: ChangeRequest, user: User) -> bool:
    """Whether `user` may validate or reject this request: a staff account other than the one that asked."""
    return bool(user.is_authenticated and user.is_staff and change_request.requested_by_id != user.pk)


def _check_decider(change_request: ChangeRequest, by: User) -> None:
    if not by.is_staff:
        raise PermissionError("only staff decide change requests")
    if change_request.requested_by_id == by.pk:
        raise FourEyesRefused("a second staff account must validate a change it did not ask for")


@transaction.atomic
def change_request_approve(*, change_request: ChangeRequest, by: User, note: str = "") -> ChangeRequest:
    """Validates a pending request (a bank account) and applies it to the member's file. Four eyes: `by` must
    be a staff account other than the one that asked (FourEyesRefused otherwise)."""
    from .notices import member_notice_queue

    _check_decider(change_request, by)
    change_request = _decide(change_request=change_request, by=by, status=ChangeStatus.APPLIED, note=note)
    member = Member.objects.select_for_update().get(pk=change_request.member_id)
    _apply(member=member, field=change_request.field, value=change_request.new_value, by=by,
           reason=f"change request {change_request.pk} approved")
    member_notice_queue(member=member, event="iban_applied", change_request=change_request)
    return change_request


@transaction.atomic
def change_request_reject(*, change_request: ChangeRequest, by: User, note: str = "") -> ChangeRequest:
    from .notices import member_notice_queue

    if not by.is_staff:  # withdrawing one's own request is allowed: only applying needs a second person
        raise PermissionError("only staff decide change requests")
    change_request = _decide(change_request=change_request, by=by, status=ChangeStatus.REJECTED, note=note)
    member_notice_queue(member=change_request.member, event="iban_rejected", change_request=change_request)
    return change_request


def change_requests_pending(*, user: User | None = None):
    """Pending bank-account requests, oldest first; with `user`, only those this account may decide."""
    pending = (ChangeRequest.objects.filter(status=ChangeStatus.PENDING)
               .select_related("member", "requested_by").order_by("requested_at", "id"))
    if user is not None:
        pending = pending.exclude(requested_by=user)
    return pending
