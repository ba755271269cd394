"""The provident engine: one provident request in, one decision out (the rules of docs/provident.md).

Pure: plain frozen dataclasses, no ORM, no Django. The worker's service loads the inputs from the database
(provident.loader) and stores the decision; the tests feed the worked examples straight in.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

RETIREMENT = "RETIREMENT"
MEMBER_DEATH = "MEMBER_DEATH"
SPOUSE_DEATH = "SPOUSE_DEATH"
CHILD_DEATH = "CHILD_DEATH"
BENEFITS = (RETIREMENT, MEMBER_DEATH, SPOUSE_DEATH, CHILD_DEATH)
BENEFICIARY_DEATHS = (SPOUSE_DEATH, CHILD_DEATH)

# Reason codes, in the order the rules apply (stored with the request, never renamed).
NOT_AFFILIATED_ON_EVENT = "NOT_AFFILIATED_ON_EVENT"
BENEFICIARY_NOT_ELIGIBLE = "BENEFICIARY_NOT_ELIGIBLE"
LATE_REQUEST = "LATE_REQUEST"
ALREADY_PAID = "ALREADY_PAID"
INSUFFICIENT_SENIORITY = "INSUFFICIENT_SENIORITY"
SHARES_INVALID = "SHARES_INVALID"
REASONS = (NOT_AFFILIATED_ON_EVENT, BENEFICIARY_NOT_ELIGIBLE, LATE_REQUEST, ALREADY_PAID, INSUFFICIENT_SENIORITY,
           SHARES_INVALID)

LIQUIDATED = "liquidated"
IN_REVIEW = "in_review"
REJECTED = "rejected"

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


class InvalidProvidentInput(ValueError):
    """Input intake must refuse; the engine never decides on it."""


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Period:
    """An affiliation period, both ends included (end None: open)."""

    start: date
    end: date | None
    status: str = "active"

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Deceased:
    """The beneficiary whose death is declared. Student periods are (first day, last day), both included."""

    relation: str  # "spouse" or "child"
    birth_date: date
    marriage_start: date | None = None
    marriage_end: date | None = None
    disabled_from: date | None = None  # a child's disability, counted from that day on
    student_periods: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True, slots=True)
class HeirShare:
    key: str
    share: Fraction

    def __post_init__(self) -> None:
        if not isinstance(self.share, Fraction) or self.share <= 0:
            raise InvalidProvidentInput(f"a share is a positive fraction, got {self.share!r}")


@dataclass(frozen=True, slots=True)
class SeniorityRate:
    """From `min_years` whole years of affiliation on, the retirement allowance is `rate` × the amount."""

    min_years: int
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Terms:
    """The reference data in force on the event date for the request's benefit."""

    amount: Decimal
    late_days: int = 730
    review_threshold: Decimal = Decimal("10000.00")
    always_review: bool = False
    seniority_rates: tuple[SeniorityRate, ...] = ()
    child_age_limit: int = 21
    student_age_limit: int = 26


@dataclass(frozen=True, slots=True)
class ProvidentInput:
    benefit: str
    event_date: date
    received_on: date
    affiliations: tuple[Period, ...]
    deceased: Deceased | None = None
    heirs: tuple[HeirShare, ...] = ()
    already_granted: bool = False  # another request of the same benefit, same member or deceased, not rejected

    def __post_init__(self) -> None:
        if self.benefit not in BENEFITS:
            raise InvalidProvidentInput(f"unknown benefit {self.benefit!r}")
        if self.event_date > self.received_on:
            raise InvalidProvidentInput("the event date is after the date the request was received")
        if self.benefit in BENEFICIARY_DEATHS and self.deceased is None:
            raise InvalidProvidentInput("a beneficiary death names the deceased")


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str  # liquidated, in_review or rejected
    reason: str  # a reason code when rejected, else ""
    amount: Decimal
    shares: tuple[tuple[str, Decimal], ...] = ()  # (heir key, amount) for MEMBER_DEATH
    seniority_days: int | None = None
    seniority_years: int | None = None
    rate: Decimal | None = None


def anniversary(birth_date: date, years: int) -> date:
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # born on 29 February
        return date(birth_date.year + years, 3, 1)


def seniority_days(affiliations: tuple[Period, ...], until: date) -> int:
    """Days of all affiliation periods up to `until`, both ends of each period included."""
    total = 0
    for period in affiliations:
        if period.start >= until:
            continue
        last = until if period.end is None else min(period.end, until)
        total += (last - period.start).days + 1
    return total


def deceased_was_eligible(deceased: Deceased, on: date, terms: Terms) -> bool:
    """The sickness files' rule: a spouse while married; a child under 21, under 26 while a student, any age
    when disabled (from the first day of the disability)."""
    if deceased.relation == "spouse":
        started = deceased.marriage_start is None or deceased.marriage_start <= on
        return started and (deceased.marriage_end is None or on < deceased.marriage_end)
    disabled = deceased.disabled_from is not None and deceased.disabled_from <= on
    if disabled or on < anniversary(deceased.birth_date, terms.child_age_limit):
        return True
    return on < anniversary(deceased.birth_date, terms.student_age_limit) and any(
        first <= on <= last for first, last in deceased.student_periods)


def _affiliated(request: ProvidentInput) -> bool:
    if request.benefit == RETIREMENT:
        return any(p.status == "retired" and p.end in (request.event_date, request.event_date - ONE_DAY)
                   for p in request.affiliations)
    return any(p.contains(request.event_date) for p in request.affiliations)


def split(amount: Decimal, heirs: tuple[HeirShare, ...]) -> tuple[tuple[str, Decimal], ...]:
    """Each heir gets amount × share, half up to the centime; the few centimes the rounding leaves over or
    short go to the heir with the largest share (the first listed among equals), so the parts add up."""
    parts = [cents(amount * Decimal(h.share.numerator) / Decimal(h.share.denominator)) for h in heirs]
    largest = max(range(len(heirs)), key=lambda i: (heirs[i].share, -i))
    parts[largest] += amount - sum(parts, ZERO)
    return tuple((h.key, part) for h, part in zip(heirs, parts, strict=True))


def _rejected(reason: str, *, seniority_days: int | None = None, seniority_years: int | None = None) -> Decision:
    return Decision(outcome=REJECTED, reason=reason, amount=ZERO, seniority_days=seniority_days,
                    seniority_years=seniority_years)


def decide(request: ProvidentInput, terms: Terms) -> Decision:
    """The rules in order; the first that applies rejects the request with amount 0."""
    if not _affiliated(request):
        return _rejected(NOT_AFFILIATED_ON_EVENT)
    if request.deceased is not None and request.benefit in BENEFICIARY_DEATHS:
        if not deceased_was_eligible(request.deceased, request.event_date, terms):
            return _rejected(BENEFICIARY_NOT_ELIGIBLE)
    if (request.received_on - request.event_date).days > terms.late_days:
        return _rejected(LATE_REQUEST)
    if request.already_granted:
        return _rejected(ALREADY_PAID)
    days: int | None = None
    years: int | None = None
    seniority_rate: Decimal | None = None
    rate = Decimal("1")
    if request.benefit == RETIREMENT:
        days = seniority_days(request.affiliations, request.event_date)
        years = days // 365
        eligible = [r for r in terms.seniority_rates if years >= r.min_years]
        if not eligible:
            return _rejected(INSUFFICIENT_SENIORITY, seniority_days=days, seniority_years=years)
        rate = seniority_rate = max(eligible, key=lambda r: r.min_years).rate
    shares: tuple[tuple[str, Decimal], ...] = ()
    amount = cents(terms.amount * rate)
    if request.benefit == MEMBER_DEATH:
        if not request.heirs or sum((h.share for h in request.heirs), Fraction(0)) != 1:
            return _rejected(SHARES_INVALID)
        shares = split(amount, request.heirs)
    review = terms.always_review or request.benefit == MEMBER_DEATH or amount > terms.review_threshold
    return Decision(outcome=IN_REVIEW if review else LIQUIDATED, reason="", amount=amount, shares=shares,
                    seniority_days=days, seniority_years=years, rate=seniority_rate)
