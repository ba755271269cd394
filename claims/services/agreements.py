"""Prior agreements (prises en charge): requested for a beneficiary, granted or refused by staff."""

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from claims.models import Act, AgreementStatus, PriorAgreement
from members.models import Beneficiary, Member, User


class AgreementStateError(Exception):
    """Only a requested agreement can be granted or refused."""


def _reference() -> str:
    return f"PA-{timezone.localdate():%Y}-{secrets.token_hex(4).upper()}"


@transaction.atomic
def prior_agreement_request(*, beneficiary: Beneficiary, act_codes: Iterable[str], valid_from: date, valid_to: date,
                            notes: str = "") -> PriorAgreement:
    codes = sorted(set(act_codes))
    acts = list(Act.objects.filter(code__in=codes))
    if not codes or len(acts) != len(codes):
        raise ValueError(f"unknown act codes in {codes}")
    if valid_to < valid_from:
        raise ValueError("the validity window ends before it starts")
    agreement = PriorAgreement.objects.create(reference=_reference(), beneficiary=beneficiary, valid_from=valid_from,
                                              valid_to=valid_to, notes=notes)
    agreement.acts.set(acts)
    _requested_notice(agreement)
    return agreement


def _requested_notice(agreement: PriorAgreement) -> None:
    """The member sees the request (made at the desk, by the API or by a provider under convention) in the
    notification centre; the decision is sent by e-mail/SMS too (`_notice`)."""
    from notices import messages
    from notices.services import notice_create

    user_id = Member.objects.filter(beneficiaries__pk=agreement.beneficiary_id).values_list("user_id", flat=True
                                                                                            ).first()
    notice_create(user_id=user_id, code=messages.AGREEMENT_REQUESTED, params={"reference": agreement.reference},
                  link=_member_link(agreement))


def _member_link(agreement: PriorAgreement) -> str:
    """The member's page of the agreement (/me/agreements/<id>/), where his notice leads."""
    return reverse("claims:member_agreement", args=[agreement.pk])


def _decide(agreement: PriorAgreement, status: str, by, notes: str) -> PriorAgreement:
    # Conditional update: two staff deciding at once cannot both win.
    fields = {"status": status, "decided_at": timezone.now(), "decided_by": by}
    if notes:
        fields["notes"] = notes
    if not PriorAgreement.objects.filter(pk=agreement.pk, status=AgreementStatus.REQUESTED).update(**fields):
        agreement.refresh_from_db()
        raise AgreementStateError(f"agreement {agreement.reference} is already {agreement.status}")
    agreement.refresh_from_db()
    _notice(agreement)
    return agreement


def _notice(agreement: PriorAgreement) -> None:
    from notices import messages
    from notices.services import notice_create

    code = messages.AGREEMENT_GRANTED if agreement.status == AgreementStatus.GRANTED else messages.AGREEMENT_REFUSED
    members = Member.objects.filter(beneficiaries__pk=agreement.beneficiary_id)
    # The member's notice leads to his page of the agreement; a provider under convention that asked
    # (partners.AgreementRequest) has its staff accounts told too, without that link.
    readers = [(members.values_list("user_id", flat=True).first(), _member_link(agreement))]
    readers += [(pk, "") for pk in User.objects.filter(
        provider_account__provider__agreement_requests__agreement=agreement, is_active=True).values_list("pk",
                                                                                                         flat=True)]
    for user_id, link in readers:
        notice_create(user_id=user_id, code=code, deliver=True, link=link, params={
            "reference": agreement.reference, "valid_from": agreement.valid_from, "valid_to": agreement.valid_to})


def prior_agreement_grant(*, agreement: PriorAgreement, by, notes: str = "") -> PriorAgreement:
    return _decide(agreement, AgreementStatus.GRANTED, by, notes)


def prior_agreement_refuse(*, agreement: PriorAgreement, by, notes: str) -> PriorAgreement:
    if not notes.strip():
        raise ValueError("a refusal needs a written reason")
    return _decide(agreement, AgreementStatus.REFUSED, by, notes)


# The decision time promised for an agreement a staff member (not a provider under convention) asked for.
DEFAULT_DECISION_HOURS = 48


def agreements_decision_queue() -> QuerySet[PriorAgreement]:
    """Requested agreements, the one whose promised decision time comes first at the top: a provider's request
    is due when its convention promised (partners.AgreementRequest.decision_due_at), a staff request
    DEFAULT_DECISION_HOURS after it was made. Documents and acts prefetched."""
    default_due = ExpressionWrapper(F("requested_at") + Value(timedelta(hours=DEFAULT_DECISION_HOURS)),
                                    output_field=DateTimeField())
    return (PriorAgreement.objects.filter(status=AgreementStatus.REQUESTED)
            .annotate(due_at=Coalesce("provider_request__decision_due_at", default_due))
            .select_related("beneficiary__member", "provider_request__provider", "provider_request__act")
            .prefetch_related("acts", "documents", "provider_documents")
            .order_by("due_at", "pk"))
