"""The liquidation rule book (docs/liquidation.md), checked on the pure engine alone: no database, no settings."""

import random
from dataclasses import asdict, replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from claims.liquidation import (
    ActVersion,
    AffiliationPeriod,
    BeneficiaryFacts,
    CategoryRates,
    ClaimInput,
    ClaimResult,
    Eligibility,
    HistoryLine,
    InvalidClaimInput,
    LineInput,
    LineResult,
    PriorAgreement,
    ReferenceData,
    ReferenceDataError,
    Sector,
    age_on,
    cents,
    eligibility,
    liquidate,
    sample_acts,
    sample_categories,
    sample_parameters,
    sample_reference_data,
)

D = Decimal
REFERENCE = sample_reference_data()

# The cast: member M of the worked examples, his spouse and their children.
MEMBER = BeneficiaryFacts(relation="member", birth_date=date(1975, 6, 15))
AFFILIATED_SINCE_2020 = (AffiliationPeriod(start=date(2020, 1, 1), end=None, complementary=True),)


def spouse(marriage_end: date | None = None) -> BeneficiaryFacts:
    return BeneficiaryFacts(relation="spouse", birth_date=date(1978, 2, 1), marriage_end=marriage_end)


def child(
    born: date, *, student_periods: tuple[tuple[date, date], ...] = (), disabled_from: date | None = None
) -> BeneficiaryFacts:
    return BeneficiaryFacts(
        relation="child", birth_date=born, student_periods=student_periods, disabled_from=disabled_from
    )


def line(act_code: str, care_date: date, billed: str, quantity: int = 1, *, ald: bool = False) -> LineInput:
    return LineInput(
        act_code=act_code, care_date=care_date, quantity=quantity, billed_amount=D(billed), ald=ald
    )


def agreement(*act_codes: str, valid_from: date, valid_to: date) -> PriorAgreement:
    return PriorAgreement(act_codes=frozenset(act_codes), valid_from=valid_from, valid_to=valid_to)


def run(
    *lines: LineInput,
    received_on: date | None = None,
    sector: Sector = "private",
    beneficiary: BeneficiaryFacts = MEMBER,
    affiliations: tuple[AffiliationPeriod, ...] = AFFILIATED_SINCE_2020,
    agreements: tuple[PriorAgreement, ...] = (),
    history: tuple[HistoryLine, ...] = (),
    sister_mutual: bool = False,
    reference: ReferenceData = REFERENCE,
) -> ClaimResult:
    claim = ClaimInput(
        received_on=received_on or max(item.care_date for item in lines),
        sector=sector,
        lines=lines,
        sister_mutual=sister_mutual,
    )
    return liquidate(
        claim=claim,
        affiliations=affiliations,
        beneficiary=beneficiary,
        agreements=agreements,
        history=history,
        reference=reference,
    )


def run_one(*lines: LineInput, **kwargs: object) -> LineResult:
    result = run(*lines, **kwargs)  # type: ignore[arg-type]
    return result.lines[-1]


def amounts(result: LineResult) -> tuple[Decimal, Decimal, Decimal]:
    return result.base, result.amo_amount, result.complementary_amount


def history_of(lines: tuple[LineInput, ...], result: ClaimResult) -> tuple[HistoryLine, ...]:
    """What the persistence layer hands back for a liquidated file: its accepted lines."""
    return tuple(
        HistoryLine(
            act_code=lines[r.index].act_code,
            care_date=lines[r.index].care_date,
            quantity=r.accepted_quantity,
            billed_amount=lines[r.index].billed_amount,
            amo_amount=r.amo_amount,
        )
        for r in result.lines
        if r.accepted
    )


def assert_rejected(result: LineResult, *codes: str) -> None:
    assert not result.accepted
    assert result.reasons == codes
    assert result.accepted_quantity == 0
    assert (result.accepted_billed_amount, *amounts(result)) == (D("0.00"),) * 4


# Worked examples of docs/liquidation.md, exactly as written.


def test_example_1_a_gp_consultation_is_priced_at_the_tnr() -> None:
    result = run(line("C", date(2025, 3, 10), "100.00"), received_on=date(2025, 3, 20))

    assert amounts(result.lines[0]) == (D("80.00"), D("64.00"), D("8.00"))
    assert result.lines[0].reasons == ()
    assert result.status == "liquidated"
    assert result.total_reimbursed == D("72.00")


def test_example_2_medicines_are_priced_at_the_billed_amount_and_rounded_half_up() -> None:
    result = run(line("MED", date(2025, 3, 10), "235.55"), received_on=date(2025, 3, 20))

    assert amounts(result.lines[0]) == (D("235.55"), D("164.89"), D("35.33"))
    assert result.total_reimbursed == D("200.22")


def test_example_3_a_lab_test_is_priced_at_its_coefficient_times_the_tnr() -> None:
    result = run_one(line("B", date(2025, 3, 10), "150.00", quantity=120), received_on=date(2025, 3, 20))

    assert amounts(result) == (D("132.00"), D("105.60"), D("13.20"))


def test_example_4_a_line_received_61_days_after_care_is_rejected_as_late() -> None:
    result = run(line("C", date(2025, 3, 10), "100.00"), received_on=date(2025, 5, 10))

    assert (date(2025, 5, 10) - date(2025, 3, 10)).days == 61
    assert_rejected(result.lines[0], "LATE_FILING")
    assert result.status == "rejected"
    assert result.total_reimbursed == D("0.00")


def test_example_5_a_child_is_covered_until_the_day_before_turning_21() -> None:
    born_2004 = child(date(2004, 5, 1))

    on_birthday = run_one(line("C", date(2025, 5, 1), "100.00"), beneficiary=born_2004)
    day_before = run_one(line("C", date(2025, 4, 30), "100.00"), beneficiary=born_2004)

    assert_rejected(on_birthday, "BENEFICIARY_NOT_ELIGIBLE")
    assert day_before.accepted


def test_example_6_a_frame_is_refused_729_days_after_the_last_one_and_accepted_after_730() -> None:
    first_lines = (line("OPT-FRAME", date(2024, 6, 1), "400.00"),)
    first = run(*first_lines)
    history = history_of(first_lines, first)

    too_soon = run_one(line("OPT-FRAME", date(2026, 5, 31), "450.00"), history=history)
    in_time = run_one(line("OPT-FRAME", date(2026, 6, 1), "450.00"), history=history)

    assert first.lines[0].accepted
    assert (date(2026, 5, 31) - date(2024, 6, 1)).days == 729
    assert_rejected(too_soon, "FREQUENCY_LIMIT")
    assert in_time.accepted
    assert amounts(in_time) == (D("400.00"), D("320.00"), D("0.00"))


def test_example_7_a_denture_amo_is_cut_to_the_ceiling() -> None:
    care = date(2025, 3, 10)
    granted = (agreement("PAD", valid_from=date(2025, 3, 1), valid_to=date(2025, 4, 30)),)

    result = run(line("PAD", care, "5000.00"), agreements=granted)

    assert amounts(result.lines[0]) == (D("5000.00"), D("3000.00"), D("0.00"))
    assert result.lines[0].accepted
    assert result.lines[0].reasons == ("CEILING_REACHED",)
    assert result.total_reimbursed == D("3000.00")
    assert result.status == "liquidated"


def test_example_8_a_public_hospital_stay_is_paid_in_full_with_an_agreement_and_refused_without() -> None:
    stay = line("HOSP", date(2025, 3, 10), "2100.00", quantity=3)
    granted = (agreement("HOSP", valid_from=date(2025, 3, 10), valid_to=date(2025, 3, 12)),)

    with_agreement = run_one(stay, sector="public", agreements=granted)
    without = run_one(stay, sector="public")

    assert amounts(with_agreement) == (D("2100.00"), D("2100.00"), D("0.00"))
    assert_rejected(without, "PRIOR_AGREEMENT_MISSING")


def test_example_9_a_consultation_in_2026_is_priced_at_the_revised_tariff() -> None:
    result = run_one(line("C", date(2026, 1, 5), "150.00"))

    assert amounts(result) == (D("120.00"), D("96.00"), D("12.00"))


# Rule 1: the member's affiliation.

CLOSED_AFFILIATION = (AffiliationPeriod(start=date(2023, 1, 1), end=date(2024, 12, 31), complementary=True),)


@pytest.mark.parametrize("care_date", [date(2023, 1, 1), date(2024, 12, 31)])
def test_a_care_date_on_either_bound_of_the_affiliation_is_covered(care_date: date) -> None:
    result = run_one(line("C", care_date, "100.00"), affiliations=CLOSED_AFFILIATION)

    assert result.accepted


@pytest.mark.parametrize("care_date", [date(2022, 12, 31), date(2025, 1, 1)])
def test_a_care_date_outside_the_affiliation_is_not_covered(care_date: date) -> None:
    result = run_one(line("C", care_date, "100.00"), affiliations=CLOSED_AFFILIATION)

    assert_rejected(result, "MEMBER_NOT_COVERED")


def test_a_care_date_in_a_gap_between_affiliations_is_not_covered() -> None:
    periods = (
        AffiliationPeriod(start=date(2020, 1, 1), end=date(2023, 12, 31), complementary=True),
        AffiliationPeriod(start=date(2025, 1, 1), end=None, complementary=True),
    )

    in_gap = run_one(line("C", date(2024, 6, 1), "100.00"), affiliations=periods)
    after_gap = run_one(line("C", date(2025, 3, 10), "100.00"), affiliations=periods)

    assert_rejected(in_gap, "MEMBER_NOT_COVERED")
    assert after_gap.accepted


def test_only_the_first_failing_rule_is_reported() -> None:
    # Not covered, late and an unknown act all at once: rule 1 ends the line.
    result = run_one(line("XYZ", date(2019, 6, 1), "100.00"), received_on=date(2025, 1, 1))

    assert_rejected(result, "MEMBER_NOT_COVERED")


# Rule 2: the beneficiary's eligibility.


def test_the_member_himself_is_always_eligible() -> None:
    assert run_one(line("C", date(2025, 3, 10), "100.00"), beneficiary=MEMBER).accepted


def test_a_spouse_whose_marriage_has_not_ended_is_eligible() -> None:
    assert run_one(line("C", date(2025, 3, 10), "100.00"), beneficiary=spouse()).accepted


def test_a_spouse_whose_marriage_ends_after_the_care_date_is_eligible() -> None:
    result = run_one(line("C", date(2025, 3, 10), "100.00"), beneficiary=spouse(date(2025, 3, 11)))

    assert result.accepted


@pytest.mark.parametrize("marriage_end", [date(2025, 3, 10), date(2025, 3, 9)])
def test_a_spouse_whose_marriage_ended_on_or_before_the_care_date_is_not_eligible(marriage_end: date) -> None:
    result = run_one(line("C", date(2025, 3, 10), "100.00"), beneficiary=spouse(marriage_end))

    assert_rejected(result, "BENEFICIARY_NOT_ELIGIBLE")


def test_a_child_turning_21_on_the_care_date_is_not_eligible() -> None:
    result = run_one(line("C", date(2025, 5, 1), "100.00"), beneficiary=child(date(2004, 5, 1)))

    assert_rejected(result, "BENEFICIARY_NOT_ELIGIBLE")


# Born 2003-03-10: 21 on 2024-03-10, 26 on 2029-03-10.
STUDENT = child(date(2003, 3, 10), student_periods=((date(2024, 9, 16), date(2025, 7, 15)),))


@pytest.mark.parametrize("care_date", [date(2024, 9, 16), date(2025, 1, 20), date(2025, 7, 15)])
def test_a_child_over_21_is_eligible_on_any_day_of_a_student_period(care_date: date) -> None:
    result = run_one(line("C", care_date, "100.00"), beneficiary=STUDENT)

    assert result.accepted


@pytest.mark.parametrize("care_date", [date(2024, 9, 15), date(2025, 7, 16)])
def test_a_child_over_21_is_not_eligible_the_day_before_or_after_a_student_period(care_date: date) -> None:
    result = run_one(line("C", care_date, "100.00"), beneficiary=STUDENT)

    assert_rejected(result, "BENEFICIARY_NOT_ELIGIBLE")


def test_a_student_is_eligible_until_the_day_before_turning_26() -> None:
    # Born 1999-06-20: 26 on 2025-06-20, in the middle of a student period.
    student = child(date(1999, 6, 20), student_periods=((date(2024, 9, 1), date(2025, 7, 31)),))

    day_before = run_one(line("C", date(2025, 6, 19), "100.00"), beneficiary=student)
    on_birthday = run_one(line("C", date(2025, 6, 20), "100.00"), beneficiary=student)

    assert day_before.accepted
    assert_rejected(on_birthday, "BENEFICIARY_NOT_ELIGIBLE")


def test_a_disabled_child_is_eligible_at_40() -> None:
    result = run_one(
        line("C", date(2025, 3, 10), "100.00"), beneficiary=child(date(1985, 1, 1), disabled_from=date(1985, 1, 1))
    )

    assert result.accepted


def test_the_age_limits_come_from_the_reference_data() -> None:
    lenient = ReferenceData(
        categories=sample_categories(),
        acts=sample_acts(),
        parameters=[replace(sample_parameters()[0], child_age_limit=25)],
    )

    result = run_one(
        line("C", date(2025, 5, 1), "100.00"), beneficiary=child(date(2004, 5, 1)), reference=lenient
    )

    assert result.accepted


# The eligibility function shown on the member pages.

ON = date(2025, 3, 10)


def test_eligibility_of_the_member_is_open_ended() -> None:
    assert eligibility(MEMBER, ON, REFERENCE) == Eligibility(True, "MEMBER", None)


def test_eligibility_of_a_married_spouse_ends_with_the_marriage() -> None:
    assert eligibility(spouse(), ON, REFERENCE) == Eligibility(True, "SPOUSE_MARRIED", None)
    assert eligibility(spouse(date(2025, 9, 1)), ON, REFERENCE) == Eligibility(
        True, "SPOUSE_MARRIED", date(2025, 9, 1)
    )
    assert eligibility(spouse(ON), ON, REFERENCE) == Eligibility(False, "SPOUSE_MARRIAGE_ENDED", None)


def test_eligibility_of_a_child_under_21_ends_on_the_21st_birthday() -> None:
    assert eligibility(child(date(2010, 8, 31)), ON, REFERENCE) == Eligibility(
        True, "CHILD_UNDER_21", date(2031, 8, 31)
    )


def test_eligibility_of_a_child_under_21_runs_on_through_a_student_period_covering_the_birthday() -> None:
    pupil = child(date(2004, 5, 1), student_periods=((date(2024, 9, 15), date(2025, 7, 15)),))

    assert eligibility(pupil, date(2025, 4, 30), REFERENCE) == Eligibility(
        True, "CHILD_UNDER_21", date(2025, 7, 16)
    )
    assert eligibility(pupil, date(2025, 5, 1), REFERENCE) == Eligibility(
        True, "CHILD_STUDENT", date(2025, 7, 16)
    )


def test_eligibility_of_a_student_ends_the_day_after_the_period_or_on_the_26th_birthday() -> None:
    assert eligibility(STUDENT, ON, REFERENCE) == Eligibility(True, "CHILD_STUDENT", date(2025, 7, 16))

    turning_26 = child(date(1999, 6, 20), student_periods=((date(2024, 9, 1), date(2025, 7, 31)),))
    assert eligibility(turning_26, ON, REFERENCE) == Eligibility(True, "CHILD_STUDENT", date(2025, 6, 20))


def test_eligibility_of_a_disabled_child_is_open_ended() -> None:
    assert eligibility(child(date(1985, 1, 1), disabled_from=date(1985, 1, 1)), ON, REFERENCE) == Eligibility(
        True, "CHILD_DISABLED", None
    )


def test_a_disability_covers_a_child_over_age_only_from_its_first_day() -> None:
    """Born 1995-01-01 (over 26), disabled from 2025-03-10: care the day before is refused for his age."""
    disabled = child(date(1995, 1, 1), disabled_from=date(2025, 3, 10))

    assert eligibility(disabled, date(2025, 3, 9), REFERENCE) == Eligibility(False, "CHILD_OVER_AGE", None)
    assert eligibility(disabled, date(2025, 3, 10), REFERENCE) == Eligibility(True, "CHILD_DISABLED", None)
    assert eligibility(disabled, date(2025, 8, 1), REFERENCE) == Eligibility(True, "CHILD_DISABLED", None)
    received = date(2025, 3, 20)
    assert_rejected(run_one(line("C", date(2025, 3, 9), "100.00"), beneficiary=disabled, received_on=received),
                    "BENEFICIARY_NOT_ELIGIBLE")
    assert run_one(line("C", date(2025, 3, 10), "100.00"), beneficiary=disabled, received_on=received).accepted


def test_a_disability_starting_before_21_carries_the_cover_on_and_one_starting_later_leaves_a_gap() -> None:
    """Born 2004-07-16: 21 on 2025-07-16. Disabled from 2025-06-01 the cover has no end; from 2025-09-01 it
    ends on the 21st birthday and starts again on 1 September."""
    early = child(date(2004, 7, 16), disabled_from=date(2025, 6, 1))
    late = child(date(2004, 7, 16), disabled_from=date(2025, 9, 1))

    assert eligibility(early, date(2025, 5, 1), REFERENCE) == Eligibility(True, "CHILD_UNDER_21", None)
    assert eligibility(late, date(2025, 5, 1), REFERENCE) == Eligibility(True, "CHILD_UNDER_21", date(2025, 7, 16))
    assert eligibility(late, date(2025, 8, 1), REFERENCE) == Eligibility(False, "CHILD_OVER_AGE", None)
    assert eligibility(late, date(2025, 9, 1), REFERENCE) == Eligibility(True, "CHILD_DISABLED", None)


def test_eligibility_of_a_child_over_age_is_refused() -> None:
    assert eligibility(child(date(2000, 1, 1)), ON, REFERENCE) == Eligibility(False, "CHILD_OVER_AGE", None)


def test_a_child_born_on_29_february_turns_21_on_1_march_of_a_common_year() -> None:
    leapling = child(date(2004, 2, 29))

    assert age_on(date(2004, 2, 29), date(2025, 2, 28)) == 20
    assert age_on(date(2004, 2, 29), date(2025, 3, 1)) == 21
    assert age_on(date(2004, 2, 29), date(2024, 2, 29)) == 20
    assert eligibility(leapling, date(2025, 2, 28), REFERENCE) == Eligibility(
        True, "CHILD_UNDER_21", date(2025, 3, 1)
    )
    assert not eligibility(leapling, date(2025, 3, 1), REFERENCE).eligible


# Rule 3: late filing.


def test_a_line_received_60_days_after_care_is_on_time() -> None:
    result = run_one(line("C", date(2025, 3, 10), "100.00"), received_on=date(2025, 5, 9))

    assert result.accepted


def test_a_line_received_the_same_day_as_the_care_is_on_time() -> None:
    assert run_one(line("C", date(2025, 3, 10), "100.00"), received_on=date(2025, 3, 10)).accepted


# Rule 4: unknown acts and dated tariffs.


def test_an_act_code_not_in_the_tariff_is_unknown() -> None:
    assert_rejected(run_one(line("XYZ", date(2025, 3, 10), "100.00")), "UNKNOWN_ACT")


def test_an_act_whose_only_version_starts_after_the_care_date_is_unknown() -> None:
    later = ReferenceData(
        categories=sample_categories(),
        acts=[*sample_acts(), ActVersion("TELE", date(2026, 1, 1), "CONSULTATION", D("60.00"))],
        parameters=sample_parameters(),
    )

    before = run_one(line("TELE", date(2025, 12, 31), "100.00"), reference=later)
    from_start = run_one(line("TELE", date(2026, 1, 1), "100.00"), reference=later)

    assert_rejected(before, "UNKNOWN_ACT")
    assert amounts(from_start) == (D("60.00"), D("48.00"), D("6.00"))


def test_a_care_date_before_the_first_tariff_is_unknown() -> None:
    assert_rejected(run_one(line("C", date(2022, 12, 31), "100.00")), "UNKNOWN_ACT")


def test_the_tariff_revision_applies_from_its_first_day() -> None:
    on_eve = run_one(line("C", date(2025, 12, 31), "150.00"))
    on_day = run_one(line("C", date(2026, 1, 1), "150.00"))
    specialist = run_one(line("CS", date(2026, 1, 1), "250.00"))
    unrevised = run_one(line("Z", date(2026, 1, 1), "500.00", quantity=40))

    assert on_eve.base == D("80.00")
    assert on_day.base == D("120.00")
    assert specialist.base == D("200.00")
    assert unrevised.base == D("400.00")


# Rule 5: prior agreements.

MARCH_HOSP = (agreement("HOSP", valid_from=date(2025, 3, 1), valid_to=date(2025, 3, 31)),)


@pytest.mark.parametrize("care_date", [date(2025, 3, 1), date(2025, 3, 31)])
def test_an_agreement_covers_care_on_either_bound_of_its_window(care_date: date) -> None:
    result = run_one(line("HOSP", care_date, "800.00"), agreements=MARCH_HOSP, received_on=date(2025, 4, 5))

    assert result.accepted


@pytest.mark.parametrize("care_date", [date(2025, 2, 28), date(2025, 4, 1)])
def test_an_agreement_does_not_cover_care_outside_its_window(care_date: date) -> None:
    result = run_one(line("HOSP", care_date, "800.00"), agreements=MARCH_HOSP, received_on=date(2025, 4, 5))

    assert_rejected(result, "PRIOR_AGREEMENT_MISSING")


def test_an_agreement_for_another_act_does_not_cover_the_line() -> None:
    denture_only = (agreement("PAD", valid_from=date(2025, 3, 1), valid_to=date(2025, 3, 31)),)

    result = run_one(line("HOSP", date(2025, 3, 10), "800.00"), agreements=denture_only)

    assert_rejected(result, "PRIOR_AGREEMENT_MISSING")


def test_an_agreement_may_cover_several_acts() -> None:
    both = (agreement("PAD", "HOSP", valid_from=date(2025, 3, 1), valid_to=date(2025, 3, 31)),)

    assert run_one(line("HOSP", date(2025, 3, 10), "800.00"), agreements=both).accepted


def test_an_act_without_prior_agreement_needs_none() -> None:
    assert run_one(line("K", date(2025, 3, 10), "300.00", quantity=20)).accepted


# Rule 6: duplicates.

EARLIER_CONSULTATION = HistoryLine("C", date(2025, 3, 10), 1, D("100.00"), D("64.00"))


def test_a_line_already_in_the_history_is_a_duplicate() -> None:
    result = run_one(line("C", date(2025, 3, 10), "100.00"), history=(EARLIER_CONSULTATION,))

    assert_rejected(result, "DUPLICATE")


@pytest.mark.parametrize(
    "repeat",
    [
        line("C", date(2025, 3, 10), "120.00"),
        line("C", date(2025, 3, 11), "100.00"),
        line("CS", date(2025, 3, 10), "100.00"),
    ],
)
def test_a_line_differing_in_amount_date_or_act_is_not_a_duplicate(repeat: LineInput) -> None:
    assert run_one(repeat, history=(EARLIER_CONSULTATION,)).accepted


def test_a_repeated_line_in_the_same_file_is_a_duplicate() -> None:
    consultation = line("C", date(2025, 3, 10), "100.00")

    result = run(consultation, consultation)

    assert result.lines[0].accepted
    assert_rejected(result.lines[1], "DUPLICATE")
    assert result.status == "liquidated"
    assert result.total_reimbursed == D("72.00")


# Rule 7: frequency limits.


def test_lenses_beyond_the_limit_are_reduced_and_billed_pro_rata() -> None:
    result = run_one(line("OPT-LENS", date(2025, 3, 10), "1000.00", quantity=3))

    assert result.accepted
    assert result.reasons == ("FREQUENCY_LIMIT",)
    assert result.accepted_quantity == 2
    assert result.accepted_billed_amount == D("666.67")
    assert amounts(result) == (D("600.00"), D("480.00"), D("0.00"))


def test_the_pro_rata_billed_amount_is_rounded_half_up() -> None:
    one_lens = HistoryLine("OPT-LENS", date(2025, 1, 10), 1, D("0.05"), D("0.04"))

    result = run_one(line("OPT-LENS", date(2025, 3, 10), "0.05", quantity=2), history=(one_lens,))

    assert result.accepted_quantity == 1
    assert result.accepted_billed_amount == D("0.03")  # 0.025, half-even would give 0.02


def test_lenses_with_no_units_left_are_rejected() -> None:
    pair = HistoryLine("OPT-LENS", date(2025, 1, 10), 2, D("600.00"), D("480.00"))

    result = run_one(line("OPT-LENS", date(2025, 3, 10), "300.00"), history=(pair,))

    assert_rejected(result, "FREQUENCY_LIMIT")


def test_units_outside_the_730_day_window_do_not_count() -> None:
    old_pair = HistoryLine("OPT-LENS", date(2025, 3, 10) - timedelta(days=730), 2, D("600.00"), D("480.00"))

    result = run_one(line("OPT-LENS", date(2025, 3, 10), "600.00", quantity=2), history=(old_pair,))

    assert result.accepted
    assert result.reasons == ()


def test_units_of_another_act_do_not_count_against_the_limit() -> None:
    frame = HistoryLine("OPT-FRAME", date(2025, 1, 10), 1, D("400.00"), D("320.00"))

    assert run_one(line("OPT-LENS", date(2025, 3, 10), "600.00", quantity=2), history=(frame,)).accepted


def test_an_earlier_line_of_the_same_file_counts_against_the_limit() -> None:
    result = run(
        line("OPT-FRAME", date(2025, 3, 10), "400.00"), line("OPT-FRAME", date(2025, 3, 12), "350.00")
    )

    assert result.lines[0].accepted
    assert_rejected(result.lines[1], "FREQUENCY_LIMIT")


# Rule 8: the ceiling on AMO.

DENTURE_AGREEMENT = (agreement("PAD", valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31)),)


def test_a_denture_amo_is_cut_to_what_is_left_under_the_ceiling() -> None:
    earlier = HistoryLine("PAD", date(2024, 3, 1), 1, D("3125.00"), D("2500.00"))

    result = run_one(
        line("PAD", date(2025, 3, 10), "1000.00"), agreements=DENTURE_AGREEMENT, history=(earlier,)
    )

    assert result.accepted
    assert result.reasons == ("CEILING_REACHED",)
    assert amounts(result) == (D("1000.00"), D("500.00"), D("0.00"))


def test_a_denture_with_nothing_left_under_the_ceiling_is_rejected() -> None:
    earlier = HistoryLine("PAD", date(2024, 3, 1), 1, D("5000.00"), D("3000.00"))

    result = run_one(
        line("PAD", date(2025, 3, 10), "1000.00"), agreements=DENTURE_AGREEMENT, history=(earlier,)
    )

    assert_rejected(result, "CEILING_REACHED")


def test_ceiling_amounts_outside_the_730_day_window_do_not_count() -> None:
    care = date(2025, 3, 10)
    old = HistoryLine("PAD", care - timedelta(days=730), 1, D("5000.00"), D("3000.00"))

    result = run_one(line("PAD", care, "1000.00"), agreements=DENTURE_AGREEMENT, history=(old,))

    assert amounts(result) == (D("1000.00"), D("800.00"), D("0.00"))
    assert result.reasons == ()


def test_an_earlier_line_of_the_same_file_counts_towards_the_ceiling() -> None:
    result = run(
        line("PAD", date(2025, 3, 10), "2000.00"),
        line("PAD", date(2025, 3, 12), "2500.00"),
        agreements=DENTURE_AGREEMENT,
    )

    assert result.lines[0].amo_amount == D("1600.00")
    assert result.lines[1].amo_amount == D("1400.00")
    assert result.lines[1].reasons == ("CEILING_REACHED",)
    assert result.total_amo == D("3000.00")


def test_complementary_is_computed_on_what_the_cut_amo_leaves() -> None:
    implants = ReferenceData(
        categories=sample_categories(),
        acts=[
            *sample_acts(),
            ActVersion(
                "IMPL", date(2023, 1, 1), "DENTAL", None, ceiling_group="IMPL", ceiling_amount=D("1000.00")
            ),
        ],
        parameters=sample_parameters(),
    )

    result = run_one(line("IMPL", date(2025, 3, 10), "2000.00"), reference=implants)

    assert amounts(result) == (D("2000.00"), D("1000.00"), D("500.00"))


# Rule 8: rates.


def test_an_ald_line_is_paid_at_100_percent_of_the_base_with_no_complementary() -> None:
    consultation = run_one(line("C", date(2025, 3, 10), "100.00", ald=True))
    medicines = run_one(line("MED", date(2025, 3, 10), "235.55", ald=True))

    assert amounts(consultation) == (D("80.00"), D("80.00"), D("0.00"))
    assert amounts(medicines) == (D("235.55"), D("235.55"), D("0.00"))


def test_a_hospital_stay_is_paid_at_90_percent_in_the_private_sector_and_100_in_the_public() -> None:
    stay = line("HOSP", date(2025, 3, 10), "2100.00", quantity=3)

    private = run_one(stay, sector="private", agreements=MARCH_HOSP)
    public = run_one(stay, sector="public", agreements=MARCH_HOSP)

    assert amounts(private) == (D("2100.00"), D("1890.00"), D("210.00"))
    assert amounts(public) == (D("2100.00"), D("2100.00"), D("0.00"))


def test_a_hospital_stay_billed_above_the_tnr_is_based_on_the_tnr() -> None:
    result = run_one(line("HOSP", date(2025, 3, 10), "3000.00", quantity=3), agreements=MARCH_HOSP)

    assert result.base == D("2400.00")


def test_no_complementary_is_paid_without_complementary_cover_on_the_care_date() -> None:
    amo_only = (AffiliationPeriod(start=date(2020, 1, 1), end=None, complementary=False),)

    result = run(line("C", date(2025, 3, 10), "100.00"), affiliations=amo_only)

    assert amounts(result.lines[0]) == (D("80.00"), D("64.00"), D("0.00"))
    assert result.total_reimbursed == D("64.00")


def test_complementary_follows_the_affiliation_period_of_each_care_date() -> None:
    periods = (
        AffiliationPeriod(start=date(2020, 1, 1), end=date(2025, 2, 28), complementary=False),
        AffiliationPeriod(start=date(2025, 3, 1), end=None, complementary=True),
    )

    result = run(
        line("C", date(2025, 2, 28), "100.00"), line("C", date(2025, 3, 1), "100.00"), affiliations=periods
    )

    assert result.lines[0].complementary_amount == D("0.00")
    assert result.lines[1].complementary_amount == D("8.00")


# Rounding.


def test_amounts_are_rounded_half_up_to_the_centime() -> None:
    tiny_consultation = run_one(line("C", date(2025, 3, 10), "0.05"))
    tiny_medicine = run_one(line("MED", date(2025, 3, 10), "0.15"))

    # (0.05 - 0.04) x 50 % = 0.005 -> 0.01
    assert amounts(tiny_consultation) == (D("0.05"), D("0.04"), D("0.01"))
    # 0.15 x 70 % = 0.105 -> 0.11 (half-even would give 0.10)
    assert amounts(tiny_medicine) == (D("0.15"), D("0.11"), D("0.02"))
    assert cents(D("0.005")) == D("0.01")
    assert cents(D("2.675")) == D("2.68")


def test_every_amount_has_exactly_two_decimals() -> None:
    result = run(line("MED", date(2025, 3, 10), "100"), line("B", date(2025, 3, 10), "50.5", quantity=30))

    for value in (result.total_base, result.total_amo, result.total_complementary, result.total_reimbursed):
        assert value.as_tuple().exponent == -2
    for item in result.lines:
        for value in (item.accepted_billed_amount, *amounts(item)):
            assert value.as_tuple().exponent == -2


# Claim outcome.


def test_a_file_above_5000_is_sent_to_review() -> None:
    # Private hospital: 90 % AMO plus 100 % of the rest in complementary, so the file pays its base.
    result = run(line("HOSP", date(2025, 3, 10), "5000.01", quantity=7), agreements=MARCH_HOSP)

    assert result.total_reimbursed == D("5000.01")
    assert result.status == "in_review"


def test_a_file_of_exactly_5000_is_liquidated_without_review() -> None:
    result = run(line("HOSP", date(2025, 3, 10), "5000.00", quantity=7), agreements=MARCH_HOSP)

    assert result.total_reimbursed == D("5000.00")
    assert result.status == "liquidated"


def test_a_file_whose_lines_are_all_rejected_is_rejected() -> None:
    result = run(line("XYZ", date(2025, 3, 10), "100.00"), line("HOSP", date(2025, 3, 10), "800.00"))

    assert [r.reasons for r in result.lines] == [("UNKNOWN_ACT",), ("PRIOR_AGREEMENT_MISSING",)]
    assert result.status == "rejected"
    assert (result.total_base, result.total_amo, result.total_complementary, result.total_reimbursed) == (
        D("0.00"),
    ) * 4


def test_a_file_with_some_lines_accepted_is_liquidated_with_the_sums_of_its_lines() -> None:
    result = run(
        line("C", date(2025, 3, 10), "100.00"),
        line("XYZ", date(2025, 3, 10), "100.00"),
        line("MED", date(2025, 3, 10), "235.55"),
    )

    assert [r.index for r in result.lines] == [0, 1, 2]
    assert [r.accepted for r in result.lines] == [True, False, True]
    assert result.status == "liquidated"
    assert result.total_base == D("315.55")
    assert result.total_amo == D("228.89")
    assert result.total_complementary == D("43.33")
    assert result.total_reimbursed == D("272.22")


def test_a_file_of_a_sister_mutual_member_is_forwarded_without_amounts() -> None:
    result = run(line("C", date(2025, 3, 10), "100.00"), sister_mutual=True)

    assert result == ClaimResult("forwarded", (), D("0.00"), D("0.00"), D("0.00"), D("0.00"))


def test_liquidating_the_same_file_twice_gives_the_same_result() -> None:
    lines = (
        line("OPT-LENS", date(2025, 3, 10), "1000.00", quantity=3),
        line("PAD", date(2025, 3, 10), "5000.00"),
        line("MED", date(2025, 3, 10), "235.55"),
    )

    first = run(*lines, agreements=DENTURE_AGREEMENT)
    second = run(*lines, agreements=DENTURE_AGREEMENT)

    assert first == second


# Intake contract: bad input never reaches pricing.


@pytest.mark.parametrize(
    ("billed", "quantity"),
    [("0.00", 1), ("-10.00", 1), ("10.001", 1), ("NaN", 1), ("10.00", 0), ("10.00", -1)],
)
def test_a_line_with_a_bad_amount_or_quantity_is_refused(billed: str, quantity: int) -> None:
    with pytest.raises(InvalidClaimInput):
        line("C", date(2025, 3, 10), billed, quantity=quantity)


def test_a_care_date_after_the_receipt_date_is_refused() -> None:
    with pytest.raises(InvalidClaimInput):
        run(line("C", date(2025, 3, 10), "100.00"), received_on=date(2025, 3, 9))


def test_a_file_without_lines_or_with_an_unknown_sector_is_refused() -> None:
    with pytest.raises(InvalidClaimInput):
        ClaimInput(received_on=date(2025, 3, 10), sector="private", lines=())
    with pytest.raises(InvalidClaimInput):
        ClaimInput(received_on=date(2025, 3, 10), sector="military", lines=(line("C", ON, "1.00"),))  # type: ignore[arg-type]


# Reference data.


def test_the_sample_reference_data_is_plain_records_a_seeder_can_store() -> None:
    reference = sample_reference_data()

    assert len(reference.categories) == 9
    assert {act.code for act in reference.acts} == set(
        "C CS CNPSY B Z K D MED HOSP PAD OPT-FRAME OPT-LENS".split()
    )
    assert [(a.effective_from, a.tnr) for a in reference.acts if a.code == "C"] == [
        (date(2023, 1, 1), D("80.00")),
        (date(2026, 1, 1), D("120.00")),
    ]
    assert asdict(reference.categories[0])["amo_rate_public"] == D("0.80")
    assert reference.act_on("PAD", ON) == ActVersion(
        "PAD", date(2023, 1, 1), "DENTURE", None, True, None, "PAD", D("3000.00"), "Removable denture"
    )


def test_reference_data_refuses_an_act_of_an_unrated_category() -> None:
    with pytest.raises(ReferenceDataError):
        ReferenceData(
            categories=sample_categories(),
            acts=[ActVersion("X", date(2023, 1, 1), "NOWHERE", D("1.00"))],
            parameters=sample_parameters(),
        )


def test_reference_data_refuses_two_versions_of_an_act_on_the_same_date() -> None:
    with pytest.raises(ReferenceDataError):
        ReferenceData(
            categories=sample_categories(),
            acts=[*sample_acts(), *sample_acts()],
            parameters=sample_parameters(),
        )


def test_reference_data_refuses_a_rate_given_as_a_percentage() -> None:
    with pytest.raises(ReferenceDataError):
        ReferenceData(
            categories=[CategoryRates("X", date(2023, 1, 1), D("80"), D("80"), D("50"))],
            acts=[],
            parameters=sample_parameters(),
        )


def test_category_rates_are_dated_too() -> None:
    revised = ReferenceData(
        categories=[
            *sample_categories(),
            CategoryRates("CONSULTATION", date(2025, 6, 1), D("0.70"), D("0.70"), D("0.40")),
        ],
        acts=sample_acts(),
        parameters=sample_parameters(),
    )

    before = run_one(line("C", date(2025, 5, 31), "100.00"), reference=revised)
    after = run_one(line("C", date(2025, 6, 1), "100.00"), reference=revised)

    assert amounts(before) == (D("80.00"), D("64.00"), D("8.00"))
    assert amounts(after) == (D("80.00"), D("56.00"), D("9.60"))


# Invariants over many generated files.


def test_generated_files_keep_the_invariants_of_the_rule_book() -> None:
    rng = random.Random(20250415)
    codes = [act.code for act in REFERENCE.acts] + ["XYZ"]
    beneficiaries = [MEMBER, spouse(date(2025, 1, 1)), child(date(2004, 5, 1)), STUDENT]
    histories: dict[int, tuple[HistoryLine, ...]] = {}
    for _ in range(400):
        who = rng.randrange(len(beneficiaries))
        received_on = date(2024, 1, 1) + timedelta(days=rng.randrange(900))
        lines = tuple(
            line(
                rng.choice(codes),
                received_on - timedelta(days=rng.randrange(75)),
                f"{rng.randrange(1, 800_000) / 100:.2f}",
                quantity=rng.randrange(1, 4),
                ald=rng.random() < 0.1,
            )
            for _ in range(rng.randrange(1, 6))
        )
        result = run(
            *lines,
            received_on=received_on,
            sector=rng.choice(["public", "private"]),
            beneficiary=beneficiaries[who],
            agreements=(agreement("HOSP", "PAD", valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31)),),
            history=histories.get(who, ()),
        )

        assert len(result.lines) == len(lines)
        for item in result.lines:
            if item.accepted:
                assert 0 < item.accepted_quantity <= lines[item.index].quantity
                assert item.base <= item.accepted_billed_amount <= lines[item.index].billed_amount
                assert 0 <= item.amo_amount <= item.base
                assert 0 <= item.complementary_amount <= item.base - item.amo_amount
            else:
                assert item.reasons
                assert item.amo_amount == item.complementary_amount == item.base == 0
        assert result.total_reimbursed == sum((r.reimbursed for r in result.lines), D("0.00"))
        assert result.total_amo == sum((r.amo_amount for r in result.lines), D("0.00"))
        assert (result.status == "rejected") == (not any(r.accepted for r in result.lines))
        histories[who] = histories.get(who, ()) + history_of(lines, result)
