"""Writes about members: web account activation, change requests, attestations, the chosen language, and the
staff's registry (members.registry: members, beneficiaries, student periods, affiliation periods)."""

import secrets
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutuelle.history import history_stamp

from .change_requests import (  # noqa: F401 - re-exported: callers use members.services
    ChangeRequestNotPending,
    FourEyesRefused,
    change_request_approve,
    change_request_create,
    change_request_may_decide,
    change_request_reject,
    change_requests_pending,
    clean_change_value,
    iban_change_request,
)
from .identifiers import normalize_cin
from .models import (
    Attestation,
    Language,
    Member,
    User,
)
from .registry import (  # noqa: F401 - re-exported: callers use members.services
    AFFILIATION_FIELDS,
    BENEFICIARY_FIELDS,
    CHILD_MIN_PARENT_AGE,
    MEMBER_FIELDS,
    MEMBERSHIP_NUMBER_LOCK,
    REGISTRY_ROLES,
    SELF_FIELDS,
    affiliation_add,
    affiliation_update,
    beneficiary_add,
    beneficiary_update,
    member_create,
    member_update,
    student_period_add,
    student_period_remove,
    user_may_edit_registry,
)
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
        history_stamp(member, by=user, reason="web account activated")
        member.save(update_fields=["user"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language in Language.values and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- change requests (members.change_requests: the four-eyes rule on bank accounts) -------------------------


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
