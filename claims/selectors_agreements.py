"""Reads about prior agreements for the member's own pages (/me/agreements/, the dashboard): his and his
beneficiaries' agreements, who asked for each (a unit's desk or a hospital under convention), what the hospital
planned, and where the decision stands. A constant number of queries whatever the number of agreements.

The scans are not here: no download view lets a member read them (the desk's and the provider's are theirs)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from members.models import Member
from units.models import AgreementDocument, ServiceUnit

from .models import Act, AgreementStatus, PriorAgreement

MEMBER_AGREEMENTS_SHOWN = 200  # a member has a handful a year; the page is not paginated

# Where an agreement stands for the member: the stored status, and "expired" for a granted one whose validity ended.
EXPIRED = "expired"
STATE_LABELS: dict[str, Promise] = {
    AgreementStatus.REQUESTED: pgettext_lazy("prior agreement", "Waiting for a decision"),
    AgreementStatus.GRANTED: pgettext_lazy("prior agreement", "Granted"),
    EXPIRED: pgettext_lazy("prior agreement", "Granted, validity ended"),
    AgreementStatus.REFUSED: pgettext_lazy("prior agreement", "Refused"),
}


@dataclass(frozen=True)
class MemberAgreement:
    agreement: PriorAgreement
    state: str  # a key of STATE_LABELS
    acts: list[Act]
    desk_unit: ServiceUnit | None  # the unit whose desk recorded the request (its scans were given there)
    provider_request: object | None  # partners.AgreementRequest: the hospital, its planned stay and estimate

    @property
    def state_label(self) -> Promise:
        return STATE_LABELS[self.state]

    @property
    def state_since(self) -> datetime | None:
        """The decision's time for a decided agreement, the request's for one waiting."""
        return self.agreement.decided_at if self.agreement.decided_at else self.agreement.requested_at

    @property
    def refusal_reason(self) -> str:
        """The liquidator's written reason, as typed (a refusal cannot be recorded without one)."""
        return self.agreement.notes if self.agreement.status == AgreementStatus.REFUSED else ""


def _state(agreement: PriorAgreement, today: date) -> str:
    if agreement.status == AgreementStatus.GRANTED and agreement.valid_to < today:
        return EXPIRED
    return agreement.status


def _member_agreements(member: Member) -> QuerySet[PriorAgreement]:
    first_scan = AgreementDocument.objects.select_related("unit").order_by("uploaded_at", "id")[:1]
    return (PriorAgreement.objects.filter(beneficiary__member=member)
            .select_related("beneficiary", "provider_request__provider", "provider_request__act")
            .prefetch_related(Prefetch("acts", queryset=Act.objects.order_by("code")),
                              Prefetch("documents", queryset=first_scan, to_attr="first_scan"))
            .order_by("-requested_at", "-pk"))


def _row(agreement: PriorAgreement, today: date) -> MemberAgreement:
    scans = getattr(agreement, "first_scan", [])
    return MemberAgreement(
        agreement=agreement, state=_state(agreement, today), acts=list(agreement.acts.all()),
        desk_unit=scans[0].unit if scans else None,
        provider_request=getattr(agreement, "provider_request", None))


def member_agreements(*, member: Member, today: date | None = None) -> list[MemberAgreement]:
    """The member's and his beneficiaries' agreements, newest request first: three queries (the agreements with
    their beneficiary and the hospital's request, their acts, the unit of their first scan)."""
    today = today or timezone.localdate()
    return [_row(agreement, today) for agreement in _member_agreements(member)[:MEMBER_AGREEMENTS_SHOWN]]


def member_agreement(*, member: Member, pk: int, today: date | None = None) -> MemberAgreement | None:
    """One of the member's agreements; None when it is not his (the page answers 404)."""
    agreement = _member_agreements(member).filter(pk=pk).first()
    return _row(agreement, today or timezone.localdate()) if agreement is not None else None


def member_current_agreements(*, member: Member, today: date | None = None) -> list[PriorAgreement]:
    """For the dashboard, in one query: the agreements waiting for a decision and the granted ones still valid,
    those ending first at the top (a waiting one by its request)."""
    today = today or timezone.localdate()
    return list(PriorAgreement.objects.filter(beneficiary__member=member)
                .filter(Q(status=AgreementStatus.REQUESTED) | Q(status=AgreementStatus.GRANTED,
                                                               valid_to__gte=today))
                .select_related("beneficiary").order_by("-status", "valid_to", "pk")[:20])
