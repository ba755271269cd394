"""The liquidation rule book (docs/liquidation.md) as one pure function over plain records: no ORM, no I/O.

`liquidate` prices one claim file given everything it depends on; the per-file task, the bulk command,
the estimate page and the tests all call it, so the same inputs always give the same result.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from . import explain, reasons
from .eligibility import eligibility
from .explain import Step, money, percent, step
from .inputs import (
    AffiliationPeriod,
    BeneficiaryFacts,
    ClaimInput,
    HistoryLine,
    LineInput,
    PriorAgreement,
    days_before,
)
from .reference import ReferenceData

ClaimStatus = Literal["liquidated", "rejected", "in_review", "forwarded"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FULL_RATE = Decimal(1)


def cents(amount: Decimal) -> Decimal:
    """Round half up to the centime (0.005 -> 0.01), as every amount is when it is computed."""
    return amount.quantize(CENT, ROUND_HALF_UP)  # positional: the keyword costs 4x the rounding itself


@dataclass(frozen=True, slots=True)
class LineResult:
    """The outcome of line `index` (its position in `ClaimInput.lines`, from 0).

    An accepted line may still carry informational reasons (FREQUENCY_LIMIT when its quantity was
    reduced, CEILING_REACHED when its AMO was cut). A rejected line has every quantity and amount at 0.
    """

    index: int
    accepted: bool
    accepted_quantity: int
    accepted_billed_amount: Decimal
    base: Decimal
    amo_amount: Decimal
    complementary_amount: Decimal
    reasons: tuple[str, ...]
    # Why, step by step (explain.py): the rule that set the base, the AMO rate and why, cuts with what is left,
    # the complementary rate or why none; for a rejected line, the reason with its figures.
    explanation: tuple[Step, ...] = ()

    @property
    def reimbursed(self) -> Decimal:
        return self.amo_amount + self.complementary_amount


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """A forwarded file (sister mutual) is not liquidated here: it has no lines and zero totals."""

    status: ClaimStatus
    lines: tuple[LineResult, ...]
    total_base: Decimal
    total_amo: Decimal
    total_complementary: Decimal
    total_reimbursed: Decimal


def _rejected(index: int, *codes: str, **params: object) -> LineResult:
    steps = (step(explain.REJECTED, reason=codes[-1], **params),) if codes else ()
    return LineResult(index, False, 0, ZERO, ZERO, ZERO, ZERO, codes, steps)


class _Ledger:
    """The beneficiary's accepted lines: the history, then this file's accepted lines as they come."""

    __slots__ = ("_by_act", "_seen")

    def __init__(self, history: Iterable[HistoryLine]) -> None:
        # Per act: (care date, accepted quantity, AMO) of each accepted line, as plain tuples.
        self._by_act: dict[str, list[tuple[date, int, Decimal]]] = {}
        self._seen: set[tuple[str, date, Decimal]] = set()
        for line in history:
            self.add(line.act_code, line.care_date, line.quantity, line.billed_amount, line.amo_amount)

    def add(self, act_code: str, care_date: date, quantity: int, billed_amount: Decimal, amo_amount: Decimal) -> None:
        lines = self._by_act.get(act_code)
        if lines is None:
            lines = self._by_act[act_code] = []
        lines.append((care_date, quantity, amo_amount))
        self._seen.add((act_code, care_date, billed_amount))

    def holds(self, act_code: str, care_date: date, billed_amount: Decimal) -> bool:
        return (act_code, care_date, billed_amount) in self._seen

    def units(self, act_code: str, after: date, up_to: date) -> int:
        return sum(quantity for day, quantity, _ in self._by_act.get(act_code, ()) if after < day <= up_to)

    def ceiling_amo(self, group: str, after: date, up_to: date, reference: ReferenceData) -> Decimal:
        total = ZERO
        for act_code, lines in self._by_act.items():
            for day, _, amo_amount in lines:
                if after < day <= up_to:
                    # Group membership as priced at the time: the version in force on that line's care date.
                    version = reference.act_on(act_code, day)
                    if version is not None and version.ceiling_group == group:
                        total += amo_amount
        return total


def _complementary_on(affiliations: Iterable[AffiliationPeriod], day: date) -> bool | None:
    """None when no period covers `day`; else whether a period covering it includes complementary cover."""
    covered: bool | None = None
    for period in affiliations:
        if period.contains(day):
            if period.complementary:
                return True
            covered = False
    return covered


def _liquidate_line(
    index: int,
    line: LineInput,
    *,
    claim: ClaimInput,
    affiliations: tuple[AffiliationPeriod, ...],
    beneficiary: BeneficiaryFacts,
    agreements: tuple[PriorAgreement, ...],
    ledger: _Ledger,
    reference: ReferenceData,
) -> LineResult:
    care_date = line.care_date
    complementary_cover = _complementary_on(affiliations, care_date)
    if complementary_cover is None:
        return _rejected(index, reasons.MEMBER_NOT_COVERED)
    if not eligibility(beneficiary, care_date, reference).eligible:
        return _rejected(index, reasons.BENEFICIARY_NOT_ELIGIBLE)
    parameters, act, terms_rates = reference.terms_on(line.act_code, care_date)
    if (claim.received_on - care_date).days > parameters.late_filing_days:
        return _rejected(index, reasons.LATE_FILING, days=(claim.received_on - care_date).days,
                         limit=parameters.late_filing_days)
    if act is None:
        return _rejected(index, reasons.UNKNOWN_ACT, act=line.act_code)
    if act.needs_prior_agreement and not any(a.covers(act.code, care_date) for a in agreements):
        return _rejected(index, reasons.PRIOR_AGREEMENT_MISSING, act=act.code)
    if ledger.holds(act.code, care_date, line.billed_amount):
        return _rejected(index, reasons.DUPLICATE, act=act.code)

    notes: list[str] = []
    steps: list[Step] = []
    quantity = line.quantity
    billed = cents(line.billed_amount)
    units_left_after: int | None = None
    if act.frequency_limit is not None:
        window_start = days_before(care_date, parameters.frequency_window_days)
        used = ledger.units(act.code, window_start, care_date)
        units_left = act.frequency_limit - used
        window = {"limit": act.frequency_limit, "days": parameters.frequency_window_days, "used": used}
        if units_left <= 0:
            return _rejected(index, reasons.FREQUENCY_LIMIT, **window)
        if quantity > units_left:
            billed = cents(billed * units_left / quantity)
            steps.append(step(explain.FREQUENCY_CUT, filed=quantity, kept=units_left, kept_amount=billed, **window))
            quantity = units_left
            notes.append(reasons.FREQUENCY_LIMIT)
        units_left_after = units_left - quantity

    # The steps of every accepted line are built with their texts directly (as `step` would write them: money
    # for amounts, ISO dates, str otherwise): `step`'s generic conversion was a fifth of the pricing time.
    billed_text = money(billed)
    if act.tnr is None:
        base = billed
        base_text = billed_text
        steps.append(Step(explain.BASE_BILLED, {"billed_amount": billed_text}))
    else:
        cap = cents(quantity * act.tnr)
        base = min(billed, cap)
        base_text = money(base)
        code = explain.BASE_TARIFF if cap < billed else explain.BASE_BILLED_UNDER_TARIFF
        steps.append(Step(code, {"quantity": str(quantity), "tnr_amount": money(act.tnr), "cap_amount": money(cap),
                                 "billed_amount": billed_text, "tariff_on": act.effective_from.isoformat()}))
    rates = terms_rates if terms_rates is not None else reference.category_on(act.category, care_date)
    rate = FULL_RATE if line.ald else rates.amo_rate(claim.sector)
    amo = cents(base * rate)
    if line.ald:
        steps.append(Step(explain.AMO_ALD, {"amo_rate": percent(rate), "base_amount": base_text,
                                            "amo_amount": money(amo)}))
    else:
        steps.append(Step(explain.AMO_RATE, {"amo_rate": percent(rate), "category": str(act.category),
                                             "sector": str(claim.sector), "base_amount": base_text,
                                             "amo_amount": money(amo)}))
    if act.ceiling_group is not None and act.ceiling_amount is not None:
        window_start = days_before(care_date, parameters.ceiling_window_days)
        used_amo = ledger.ceiling_amo(act.ceiling_group, window_start, care_date, reference)
        allowed = max(act.ceiling_amount - used_amo, ZERO)
        ceiling = {"ceiling_amount": act.ceiling_amount, "used_amount": used_amo,
                   "days": parameters.ceiling_window_days}
        if amo > allowed:
            if allowed == 0:
                return _rejected(index, *notes, reasons.CEILING_REACHED, **ceiling)
            steps.append(step(explain.CEILING_CUT, computed_amount=amo, allowed_amount=cents(allowed), **ceiling))
            amo = cents(allowed)
            notes.append(reasons.CEILING_REACHED)
        steps.append(step(explain.CEILING_LEFT, left_amount=max(allowed - amo, ZERO), **ceiling))
    if units_left_after is not None:
        steps.append(step(explain.FREQUENCY_LEFT, left=units_left_after, limit=act.frequency_limit,
                          days=parameters.frequency_window_days))
    if not complementary_cover:
        complementary = ZERO
        steps.append(Step(explain.COMPLEMENTARY_NONE_COVER, {}))
    elif rates.complementary_rate == 0:
        complementary = ZERO
        steps.append(Step(explain.COMPLEMENTARY_NONE_CATEGORY, {"category": str(act.category)}))
    else:
        rest = base - amo
        complementary = cents(rest * rates.complementary_rate)
        steps.append(Step(explain.COMPLEMENTARY_RATE, {"complementary_rate": percent(rates.complementary_rate),
                                                       "rest_amount": money(rest),
                                                       "complementary_amount": money(complementary)}))
    return LineResult(index, True, quantity, billed, base, amo, complementary, tuple(notes), tuple(steps))


def liquidate(
    *,
    claim: ClaimInput,
    affiliations: Iterable[AffiliationPeriod],
    beneficiary: BeneficiaryFacts,
    agreements: Iterable[PriorAgreement],
    history: Iterable[HistoryLine],
    reference: ReferenceData,
) -> ClaimResult:
    """Price one claim file. `history` holds the accepted lines of the beneficiary's earlier liquidated
    files; `agreements` only the granted prior agreements of this beneficiary."""
    if claim.sister_mutual:
        return ClaimResult("forwarded", (), ZERO, ZERO, ZERO, ZERO)

    periods = tuple(affiliations)
    granted = tuple(agreements)
    ledger = _Ledger(history)
    results: list[LineResult] = []
    total_base = total_amo = total_complementary = ZERO
    any_accepted = False
    for index, line in enumerate(claim.lines):
        result = _liquidate_line(
            index,
            line,
            claim=claim,
            affiliations=periods,
            beneficiary=beneficiary,
            agreements=granted,
            ledger=ledger,
            reference=reference,
        )
        results.append(result)
        if result.accepted:
            any_accepted = True
            ledger.add(line.act_code, line.care_date, result.accepted_quantity, line.billed_amount, result.amo_amount)
        # Summed in line order from 0.00, as sum() did.
        total_base += result.base
        total_amo += result.amo_amount
        total_complementary += result.complementary_amount

    total_reimbursed = total_amo + total_complementary
    status: ClaimStatus
    if not any_accepted:
        status = "rejected"
    elif total_reimbursed > reference.parameters_on(claim.received_on).review_threshold:
        status = "in_review"
    else:
        status = "liquidated"
    return ClaimResult(status, tuple(results), total_base, total_amo, total_complementary, total_reimbursed)
