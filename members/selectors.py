"""Reads about members: who is covered, when, for whom; lookups for the front desk and the member space."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims.liquidation import (
    BeneficiaryFacts,
    Eligibility,
    ParameterSet,
    ReferenceData,
    eligibility,
    relation_of,
)
from claims.reason_messages import ELIGIBILITY_MESSAGES, ELIGIBILITY_MESSAGES_FEMALE, SHE

from .identifiers import normalize_cin
from .models import AffiliationPeriod, Beneficiary, Member, Sex, StudentPeriod, User


def today() -> date:
    return timezone.localdate()


# --- eligibility (docs/liquidation.md, rule 2) -------------------------------------------------------------------


def eligibility_reference() -> ReferenceData:
    """The dated rule parameters (age limits) from the database, as the pure engine wants them.

    Only parameters matter to eligibility, so no tariff is loaded. With no row yet, the rule book's defaults."""
    from claims.models import RuleParameters

    rows = RuleParameters.objects.order_by("effective_from")
    parameters = [
        ParameterSet(
            effective_from=row.effective_from,
            late_filing_days=row.late_filing_days,
            frequency_window_days=row.frequency_window_days,
            ceiling_window_days=row.ceiling_window_days,
            child_age_limit=row.child_age_limit,
            student_age_limit=row.student_age_limit,
            review_threshold=row.review_threshold,
        )
        for row in rows
    ] or [ParameterSet(effective_from=date(2000, 1, 1))]
    return ReferenceData(categories=(), acts=(), parameters=parameters)


def beneficiary_facts(beneficiary: Beneficiary) -> BeneficiaryFacts:
    """The engine's view of a beneficiary row. Uses prefetched student periods when there are any
    (`prefetch_related("student_periods")`), else one query."""
    periods = tuple((period.start, period.end) for period in beneficiary.student_periods.all())
    return BeneficiaryFacts(
        relation=relation_of(beneficiary.relation),
        birth_date=beneficiary.birth_date,
        marriage_end=beneficiary.marriage_end,
        student_periods=periods,
        disabled_from=beneficiary.disabled_from,
        covered_from=beneficiary.covered_from,
    )


MEMBER_NOT_COVERED = "MEMBER_NOT_COVERED"


@dataclass(frozen=True)
class BeneficiaryEligibility:
    beneficiary: Beneficiary
    on: date
    eligible: bool
    reason_code: str
    ends_on: date | None  # first day no longer covered; None when open-ended or not eligible

    @property
    def reason(self) -> Promise:
        """Why the person is covered or not, its words agreed with a woman in Arabic and French."""
        she = self.beneficiary.sex == Sex.FEMALE
        if self.reason_code == MEMBER_NOT_COVERED:
            if she:
                return pgettext_lazy(SHE, "Not covered: the member's affiliation does not cover this date.")
            return _("Not covered: the member's affiliation does not cover this date.")
        return (ELIGIBILITY_MESSAGES_FEMALE if she else ELIGIBILITY_MESSAGES)[self.reason_code]

    @property
    def last_covered_day(self) -> date | None:
        from datetime import timedelta

        return self.ends_on - timedelta(days=1) if self.ends_on else None


def beneficiary_eligibility(
    *, beneficiary: Beneficiary, on: date | None = None, reference: ReferenceData | None = None
) -> BeneficiaryEligibility:
    on = on or today()
    result: Eligibility = eligibility(beneficiary_facts(beneficiary), on, reference or eligibility_reference())
    return BeneficiaryEligibility(beneficiary, on, result.eligible, result.reason_code, result.ends_on)


# --- coverage of the member ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    on: date
    covered: bool
    period: AffiliationPeriod | None  # the period containing `on`, else the latest one
    complementary: bool

    @property
    def status(self) -> str:
        return self.period.status if self.period else ""

    @property
    def label(self) -> Promise | str:
        if self.covered:
            return self.period.get_status_display() if self.period else _("Covered")
        return _("Not covered")


def beneficiaries_cover(*, member: Member, coverage: Coverage, on: date,
                        reference: ReferenceData | None = None) -> list[BeneficiaryEligibility]:
    """Who of the family is covered on `on`: the beneficiary's own rule (age, marriage, studies) AND the member's
    affiliation. The one answer the member's pages and the front desk both show."""
    reference = reference or eligibility_reference()
    beneficiaries = sorted(member.beneficiaries.all(), key=lambda b: (RELATION_ORDER[b.relation], b.birth_date))
    items = [beneficiary_eligibility(beneficiary=b, on=on, reference=reference) for b in beneficiaries]
    if coverage.covered:
        return items
    return [BeneficiaryEligibility(item.beneficiary, on, False, MEMBER_NOT_COVERED, None) for item in items]


def member_coverage(*, member: Member, on: date | None = None) -> Coverage:
    """Covered on `on` when an affiliation period contains it (liquidation rule 1). Uses prefetched
    affiliations (`prefetch_related("affiliations")`) when present."""
    on = on or today()
    periods = sorted(member.affiliations.all(), key=lambda p: p.start)
    current = next((p for p in periods if p.contains(on)), None)
    if current is not None:
        return Coverage(on=on, covered=True, period=current, complementary=current.complementary)
    return Coverage(on=on, covered=False, period=periods[-1] if periods else None, complementary=False)


# --- the member overview (member space and front desk) ------------------------------------------------------


def _beneficiaries_prefetch() -> Prefetch:
    return Prefetch(
        "beneficiaries",
        queryset=Beneficiary.objects.order_by("relation", "birth_date").prefetch_related(
            Prefetch("student_periods", queryset=StudentPeriod.objects.order_by("start"))
        ),
    )


def members_with_overview_data() -> QuerySet[Member]:
    return Member.objects.select_related("mutual", "home_unit", "user").prefetch_related(
        "affiliations", _beneficiaries_prefetch()
    )


@dataclass(frozen=True)
class MemberOverview:
    member: Member
    coverage: Coverage
    beneficiaries: list[BeneficiaryEligibility]


RELATION_ORDER = {"member": 0, "spouse": 1, "child": 2}


def member_overview(*, member: Member, on: date | None = None, refetch: bool = True) -> MemberOverview:
    """Coverage and every beneficiary's eligibility on `on` (today by default), in a constant number of
    queries (re-fetches the member with its mutual, home unit and account, then its affiliations, beneficiaries
    and student periods). `refetch=False` keeps the caller's member (its mutual and home unit already loaded, as
    `member_for_user` does) and only loads the rest onto it: one query less."""
    on = on or today()
    if refetch:
        member = members_with_overview_data().get(pk=member.pk)
    else:
        prefetch_related_objects([member], "affiliations", _beneficiaries_prefetch())
    coverage = member_coverage(member=member, on=on)
    return MemberOverview(member=member, coverage=coverage,
                          beneficiaries=beneficiaries_cover(member=member, coverage=coverage, on=on))


# --- lookups -------------------------------------------------------------------------------------------------


def member_search(*, query: str, limit: int = 20) -> list[Member]:
    """Members by membership number (prefix), CIN (exact or prefix) or name (Latin or Arabic, contains).

    Returns at most `limit` members with mutual and home unit loaded, numbers first."""
    query = (query or "").strip()
    if not query:
        return []
    base = Member.objects.select_related("mutual", "home_unit").prefetch_related("affiliations")
    if query.isdigit():
        return list(base.filter(membership_number__startswith=query).order_by("membership_number")[:limit])
    cin = normalize_cin(query)
    by_cin = Q(cin__startswith=cin) if cin.isalnum() else Q(pk__in=[])
    words = query.split()
    by_name = Q()
    for word in words:
        by_name &= (
            Q(last_name__icontains=word) | Q(first_name__icontains=word)
            | Q(last_name_ar__icontains=word) | Q(first_name_ar__icontains=word)
        )
    return list(base.filter(by_cin | by_name).order_by("last_name", "first_name", "membership_number")[:limit])


def member_for_user(*, user: User) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("mutual", "home_unit").filter(user=user).first()
