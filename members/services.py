"""Writes about members: web account activation, change requests, attestations, the chosen language."""

import re
import secrets
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identifiers import normalize_cin, normalize_iban, validate_moroccan_iban
from .models import Attestation, ChangeField, ChangeRequest, ChangeStatus, Language, Member, User
from .selectors import member_coverage

# --- web account activation ----------------------------------------------------------------------------------


class ActivationError(Exception):
    """Activation refused. The message never says which of the facts was wrong."""


ACTIVATION_FAILED = _(
    "We could not activate an account with these details. Check your membership number, national ID and birth "
    "date as printed on your membership card, or ask your service unit."
)
ALREADY_ACTIVATED = _("This membership already has a web account. Log in, or reset your password if you forgot it.")


def member_activate(*, membership_number: str, cin: str, birth_date: date, password: str) -> User:
    """Creates the member's web account (username = membership number) once the three facts match.

    Raises ActivationError (one generic message whatever fact was wrong, or when already activated) and
    ValidationError for a password the validators refuse."""
    number = (membership_number or "").strip()
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .filter(membership_number=number, cin=normalize_cin(cin), birth_date=birth_date)
            .first()
        )
        if member is None:
            raise ActivationError(ACTIVATION_FAILED)
        if member.user_id is not None or User.objects.filter(username=number).exists():
            raise ActivationError(ALREADY_ACTIVATED)
        user = User(username=number, first_name=member.first_name, last_name=member.last_name, email=member.email)
        validate_password(password, user=user)
        user.set_password(password)
        user.save()
        member.user = user
        member._history_user = user
        member._change_reason = "web account activated"
        member.save(update_fields=["user"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language in Language.values and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- change requests -----------------------------------------------------------------------------------------

PHONE_RE = re.compile(r"^(?:\+212|00212|0)([5-8][0-9]{8})$")


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
    member._history_user = by
    member._change_reason = reason
    member.save(update_fields=[field])


@transaction.atomic
def change_request_create(*, member: Member, field: str, new_value: str, by: User | None) -> ChangeRequest:
    """Records the request. Contact data (address, phone, email) applies at once; a bank account waits for
    a staff member's validation, and replaces any earlier request still waiting."""
    value = clean_change_value(field=field, value=new_value)
    member = Member.objects.select_for_update().get(pk=member.pk)
    old_value = getattr(member, field)
    if value == old_value:
        raise ValidationError(_("This is already the value on your file."), code="unchanged")
    request = ChangeRequest(member=member, field=field, old_value=old_value, new_value=value, requested_by=by)
    if field == ChangeField.IBAN:
        now = timezone.now()
        for earlier in ChangeRequest.objects.filter(member=member, field=field, status=ChangeStatus.PENDING):
            earlier.status = ChangeStatus.REJECTED
            earlier.decided_at = now
            earlier.decision_note = "replaced by a newer request"
            earlier._history_user = by
            earlier.save(update_fields=["status", "decided_at", "decision_note"])
    else:
        _apply(member=member, field=field, value=value, by=by, reason="change request")
        request.status = ChangeStatus.APPLIED
        request.decided_at = timezone.now()
    request._history_user = by
    request.save()
    return request


class ChangeRequestNotPending(Exception):
    pass


def _decide(*, change_request: ChangeRequest, by: User, status: str, note: str) -> ChangeRequest:
    updated = ChangeRequest.objects.filter(pk=change_request.pk, status=ChangeStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_note=note[:300]
    )
    # The conditional update makes two staff deciding at once safe: only one of them moves the request.
    if updated != 1:
        raise ChangeRequestNotPending(change_request.pk)
    change_request.refresh_from_db()
    change_request._history_user = by
    change_request.save()  # writes the history row of the decision
    return change_request


@transaction.atomic
def change_request_approve(*, change_request: ChangeRequest, by: User, note: str = "") -> ChangeRequest:
    if not by.is_staff:
        raise PermissionError("only staff approve change requests")
    change_request = _decide(change_request=change_request, by=by, status=ChangeStatus.APPLIED, note=note)
    member = Member.objects.select_for_update().get(pk=change_request.member_id)
    _apply(member=member, field=change_request.field, value=change_request.new_value, by=by,
           reason=f"change request {change_request.pk} approved")
    return change_request


@transaction.atomic
def change_request_reject(*, change_request: ChangeRequest, by: User, note: str = "") -> ChangeRequest:
    if not by.is_staff:
        raise PermissionError("only staff reject change requests")
    return _decide(change_request=change_request, by=by, status=ChangeStatus.REJECTED, note=note)


# --- attestations --------------------------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def attestation_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def attestation_issue(*, member: Member, by: User | None, on: date | None = None) -> Attestation:
    on = on or timezone.localdate()
    coverage = member_coverage(member=member, on=on)
    return Attestation.objects.create(
        code=attestation_code(), member=member, issued_on=on, issued_by=by, covered=coverage.covered,
        affiliation_status=coverage.status if coverage.covered else "", member_name=member.full_name,
    )
