"""What the engine is given: a claim file and the facts about its beneficiary, as plain frozen records.

Constructing a record checks what intake must already have refused (docs/liquidation.md, "Inputs"), so bad
data fails loudly instead of being priced.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

Sector = Literal["public", "private"]
Relation = Literal["member", "spouse", "child"]

SECTORS: tuple[Sector, ...] = ("public", "private")
RELATIONS: tuple[Relation, ...] = ("member", "spouse", "child")

CENT = Decimal("0.01")


def sector_of(value: str) -> Sector:
    """A sector read from outside the engine (a form, a database row), checked and typed."""
    for sector in SECTORS:
        if value == sector:
            return sector
    raise InvalidClaimInput(f"sector must be one of {SECTORS}, got {value!r}.")


def relation_of(value: str) -> Relation:
    """A beneficiary's relation read from outside the engine (a database row), checked and typed."""
    for relation in RELATIONS:
        if value == relation:
            return relation
    raise InvalidClaimInput(f"relation must be one of {RELATIONS}, got {value!r}.")


def days_before(day: date, days: int) -> date:
    """`day` minus `days`, clamped at the first representable date (a care date of 0001-01-01 must give an
    empty window, not an OverflowError that crashes the worker)."""
    if (day - date.min).days <= days:
        return date.min
    return day - timedelta(days=days)


class InvalidClaimInput(ValueError):
    """Input that intake must refuse; the engine never prices it."""


def _check_amount(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidClaimInput(f"{what} must be a finite Decimal, got {amount!r}.")
    if amount <= 0:
        raise InvalidClaimInput(f"{what} must be above 0, got {amount}.")
    if amount != amount.quantize(CENT):
        raise InvalidClaimInput(f"{what} must have at most 2 decimals, got {amount}.")


@dataclass(frozen=True, slots=True)
class LineInput:
    """One line of a file. For coefficient acts (B, Z, K, D) `quantity` is the coefficient."""

    act_code: str
    care_date: date
    quantity: int
    billed_amount: Decimal
    ald: bool = False
    prior_agreement_ref: str | None = None

    def __post_init__(self) -> None:
        # bool is an int subclass; True as a quantity is a bug upstream, not a quantity of 1.
        if not isinstance(self.quantity, int) or isinstance(self.quantity, bool) or self.quantity < 1:
            raise InvalidClaimInput(f"quantity must be a whole number of at least 1, got {self.quantity!r}.")
        _check_amount(self.billed_amount, "billed_amount")


@dataclass(frozen=True, slots=True)
class ClaimInput:
    received_on: date
    sector: Sector
    lines: tuple[LineInput, ...]
    sister_mutual: bool = False

    def __post_init__(self) -> None:
        if self.sector not in SECTORS:
            raise InvalidClaimInput(f"sector must be one of {SECTORS}, got {self.sector!r}.")
        if not self.lines:
            raise InvalidClaimInput("a claim file needs at least one line.")
        for line in self.lines:
            if line.care_date > self.received_on:
                raise InvalidClaimInput(
                    f"care date {line.care_date} is after the file's receipt date {self.received_on}."
                )


@dataclass(frozen=True, slots=True)
class AffiliationPeriod:
    """A period of the member's affiliation; `end` is the last covered day, None while open."""

    start: date
    end: date | None
    complementary: bool

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class BeneficiaryFacts:
    """The person the file is for. Student periods are (first day, last day), both included. `covered_from`:
    a spouse or child added late (memberships: a request received more than 90 days after the marriage or
    birth) is not covered before that day; None when no such limit. `disabled_from`: the first day a child's
    disability counts (it covers him at any age from that day on); None when not disabled."""

    relation: Relation
    birth_date: date
    marriage_end: date | None = None
    student_periods: tuple[tuple[date, date], ...] = ()
    disabled_from: date | None = None
    covered_from: date | None = None

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise InvalidClaimInput(f"relation must be one of {RELATIONS}, got {self.relation!r}.")


@dataclass(frozen=True, slots=True)
class PriorAgreement:
    """A granted prior agreement (only granted ones are passed), valid from/to both included."""

    act_codes: frozenset[str]
    valid_from: date
    valid_to: date

    def covers(self, act_code: str, day: date) -> bool:
        return act_code in self.act_codes and self.valid_from <= day <= self.valid_to


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """An accepted line of an earlier liquidated file of the same beneficiary.

    `billed_amount` is the amount as filed (what a resubmitted invoice repeats, for DUPLICATE);
    `quantity` is the accepted quantity (for FREQUENCY_LIMIT); `amo_amount` the AMO paid (for the ceiling).
    """

    act_code: str
    care_date: date
    quantity: int
    billed_amount: Decimal
    amo_amount: Decimal
