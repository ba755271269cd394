"""Whether a beneficiary is covered on a date (docs/liquidation.md, line rule 2), and until when."""

from dataclasses import dataclass
from datetime import date, timedelta

from . import reasons
from .inputs import BeneficiaryFacts
from .reference import ReferenceData

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Eligibility:
    """`ends_on` is the first day the beneficiary is no longer covered (the 21st birthday, the day after a
    student period, the 26th birthday, the marriage end date); None when open-ended or not eligible."""

    eligible: bool
    reason_code: str
    ends_on: date | None


def anniversary(birth_date: date, years: int) -> date:
    """The day a person born on `birth_date` turns `years`. Born on 29 February: 1 March in common years,
    which is the day `age_on` first counts the new year."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:
        return date(birth_date.year + years, 3, 1)


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def _child_cover_intervals(
    beneficiary: BeneficiaryFacts, child_limit: date, student_limit: date
) -> list[tuple[date, date]]:
    """Half-open [from, until) spans when a child is covered, merged where they touch; a disability is a span
    from its first day on (until `date.max`)."""
    spans = [(date.min, child_limit)]
    if beneficiary.disabled_from is not None:
        spans.append((beneficiary.disabled_from, date.max))
    for first_day, last_day in beneficiary.student_periods:
        until = min(last_day + ONE_DAY, student_limit)
        if first_day < until:
            spans.append((first_day, until))
    spans.sort()
    merged: list[tuple[date, date]] = []
    for start, until in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], until))
        else:
            merged.append((start, until))
    return merged


_MEMBER = Eligibility(True, reasons.MEMBER, None)  # the same answer for every member line: built once


def eligibility(beneficiary: BeneficiaryFacts, on: date, reference: ReferenceData) -> Eligibility:
    if beneficiary.relation == "member":
        return _MEMBER

    if beneficiary.covered_from is not None and on < beneficiary.covered_from:
        return Eligibility(False, reasons.NOT_YET_COVERED, None)

    if beneficiary.relation == "spouse":
        if beneficiary.marriage_end is None:
            return Eligibility(True, reasons.SPOUSE_MARRIED, None)
        if beneficiary.marriage_end > on:
            return Eligibility(True, reasons.SPOUSE_MARRIED, beneficiary.marriage_end)
        return Eligibility(False, reasons.SPOUSE_MARRIAGE_ENDED, None)

    # A disability is dated like every other fact: it covers a child over the age limits from its first day.
    if beneficiary.disabled_from is not None and beneficiary.disabled_from <= on:
        return Eligibility(True, reasons.CHILD_DISABLED, None)

    parameters = reference.parameters_on(on)
    child_limit = anniversary(beneficiary.birth_date, parameters.child_age_limit)
    student_limit = anniversary(beneficiary.birth_date, parameters.student_age_limit)
    if on < child_limit:
        code = reasons.CHILD_UNDER_21
    elif on < student_limit and any(first <= on <= last for first, last in beneficiary.student_periods):
        code = reasons.CHILD_STUDENT
    else:
        return Eligibility(False, reasons.CHILD_OVER_AGE, None)

    # Cover can run on from one ground to the next (under 21, then a student period, then a disability), so
    # the end is that of the whole unbroken span containing the date (none when a disability carries it on).
    for start, until in _child_cover_intervals(beneficiary, child_limit, student_limit):
        if start <= on < until:
            return Eligibility(True, code, None if until == date.max else until)
    raise AssertionError("an eligible date lies in a cover span")  # pragma: no cover
