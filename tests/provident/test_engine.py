"""The provident engine on the worked examples of docs/provident.md, and the edges of each rule."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from provident.engine import (
    ALREADY_PAID,
    BENEFICIARY_NOT_ELIGIBLE,
    CHILD_DEATH,
    IN_REVIEW,
    INSUFFICIENT_SENIORITY,
    LATE_REQUEST,
    LIQUIDATED,
    MEMBER_DEATH,
    NOT_AFFILIATED_ON_EVENT,
    REJECTED,
    RETIREMENT,
    SHARES_INVALID,
    SPOUSE_DEATH,
    Deceased,
    HeirShare,
    InvalidProvidentInput,
    Period,
    ProvidentInput,
    SeniorityRate,
    Terms,
    decide,
)

D = Decimal
RATES = (SeniorityRate(10, D("0.50")), SeniorityRate(20, D("0.75")), SeniorityRate(30, D("1.00")))
TERMS = {
    RETIREMENT: Terms(amount=D("30000.00"), seniority_rates=RATES),
    MEMBER_DEATH: Terms(amount=D("15000.00"), always_review=True),
    SPOUSE_DEATH: Terms(amount=D("3000.00")),
    CHILD_DEATH: Terms(amount=D("1500.00")),
}
# Member M: active 1990-09-01 → 2024-02-29, that period closed `retired`; covered as a retiree from 2024-03-01.
M = (Period(date(1990, 9, 1), date(2024, 2, 29), "retired"), Period(date(2024, 3, 1), None, "retired"))
N = (Period(date(2012, 1, 1), date(2025, 6, 30), "retired"),)


def _decide(benefit, event, received, affiliations=M, **kwargs):
    return decide(ProvidentInput(benefit=benefit, event_date=event, received_on=received,
                                 affiliations=affiliations, **kwargs), TERMS[benefit])


def _heirs(*shares):
    return tuple(HeirShare(key=str(i), share=Fraction(s)) for i, s in enumerate(shares, 1))


def test_example_1_retirement_after_33_years_is_the_full_30000_and_goes_to_review():
    decision = _decide(RETIREMENT, date(2024, 3, 1), date(2024, 4, 10))

    assert (decision.seniority_days, decision.seniority_years, decision.rate) == (12235, 33, D("1.00"))
    assert decision.amount == D("30000.00") and decision.outcome == IN_REVIEW and decision.reason == ""


def test_example_2_a_request_731_days_after_retirement_is_late_and_730_is_on_time():
    late = _decide(RETIREMENT, date(2024, 3, 1), date(2026, 3, 2))
    on_time = _decide(RETIREMENT, date(2024, 3, 1), date(2026, 3, 1))

    assert (late.outcome, late.reason, late.amount) == (REJECTED, LATE_REQUEST, D("0.00"))
    assert (on_time.outcome, on_time.amount) == (IN_REVIEW, D("30000.00"))


def test_example_3_thirteen_years_give_half_and_nine_years_are_not_enough():
    n = _decide(RETIREMENT, date(2025, 7, 1), date(2025, 7, 20), affiliations=N)
    p = _decide(RETIREMENT, date(2025, 7, 1), date(2025, 7, 20),
                affiliations=(Period(date(2015, 7, 5), date(2025, 6, 30), "retired"),))

    assert (n.seniority_days, n.seniority_years, n.rate, n.amount) == (4930, 13, D("0.50"), D("15000.00"))
    assert n.outcome == IN_REVIEW  # above 10,000.00
    assert (p.seniority_days, p.seniority_years) == (3649, 9)
    assert (p.outcome, p.reason, p.amount) == (REJECTED, INSUFFICIENT_SENIORITY, D("0.00"))


def test_exactly_ten_years_is_half_the_allowance():
    ten = _decide(RETIREMENT, date(2025, 7, 1), date(2025, 7, 20),
                  affiliations=(Period(date(2015, 7, 4), date(2025, 6, 30), "retired"),))

    assert (ten.seniority_days, ten.seniority_years, ten.amount) == (3650, 10, D("15000.00"))


def test_seniority_adds_every_period_up_to_the_retirement():
    periods = (Period(date(2000, 1, 1), date(2004, 12, 31), "closed"),
               Period(date(2010, 1, 1), date(2025, 6, 30), "retired"))
    decision = _decide(RETIREMENT, date(2025, 7, 1), date(2025, 8, 1), affiliations=periods)

    assert decision.seniority_days == 1827 + 5660 and decision.seniority_years == 20 and decision.rate == D("0.75")
    assert decision.amount == D("22500.00")


def test_retirement_needs_a_period_closed_retired_on_the_eve_or_the_day_of_retirement():
    active = (Period(date(1990, 9, 1), None, "active"),)
    ended_earlier = (Period(date(1990, 9, 1), date(2024, 1, 31), "retired"),)

    assert _decide(RETIREMENT, date(2024, 3, 1), date(2024, 4, 1), affiliations=active).reason == \
        NOT_AFFILIATED_ON_EVENT
    assert _decide(RETIREMENT, date(2024, 3, 1), date(2024, 4, 1), affiliations=ended_earlier).reason == \
        NOT_AFFILIATED_ON_EVENT


def test_example_4_the_heirs_of_m_share_15000_by_the_heirs_certificate_and_it_goes_to_review():
    decision = _decide(MEMBER_DEATH, date(2025, 5, 20), date(2025, 6, 2), heirs=_heirs("1/8", "7/24", "7/24", "7/24"))

    assert decision.shares == (("1", D("1875.00")), ("2", D("4375.00")), ("3", D("4375.00")), ("4", D("4375.00")))
    assert decision.amount == D("15000.00") and decision.outcome == IN_REVIEW


def test_example_5_thirds_sixths_and_sevenths_add_up_to_the_centime():
    thirds = _decide(MEMBER_DEATH, date(2025, 5, 20), date(2025, 6, 2), heirs=_heirs("1/3", "1/3", "1/3"))
    sixths = _decide(MEMBER_DEATH, date(2025, 5, 20), date(2025, 6, 2), heirs=_heirs("1/6", "1/6", "2/3"))
    sevenths = _decide(MEMBER_DEATH, date(2025, 5, 20), date(2025, 6, 2), heirs=_heirs(*["1/7"] * 7))

    assert [a for _, a in thirds.shares] == [D("5000.00")] * 3
    assert [a for _, a in sixths.shares] == [D("2500.00"), D("2500.00"), D("10000.00")]
    assert [a for _, a in sevenths.shares] == [D("2142.84")] + [D("2142.86")] * 6
    assert sum(a for _, a in sevenths.shares) == D("15000.00")


def test_the_rounding_difference_goes_to_the_largest_share_even_when_it_is_not_first():
    decision = _decide(MEMBER_DEATH, date(2025, 5, 20), date(2025, 6, 2), heirs=_heirs("1/7", "1/7", "5/7"))

    assert [a for _, a in decision.shares] == [D("2142.86"), D("2142.86"), D("10714.28")]
    assert sum(a for _, a in decision.shares) == D("15000.00")


def test_example_6_shares_that_do_not_add_up_to_one_are_rejected():
    decision = _decide(MEMBER_DEATH, date(2025, 5, 20), date(2025, 6, 2), heirs=_heirs("1/2", "1/3"))

    assert (decision.outcome, decision.reason, decision.amount, decision.shares) == (REJECTED, SHARES_INVALID,
                                                                                     D("0.00"), ())


CHILD = Deceased(relation="child", birth_date=date(2001, 9, 15),
                 student_periods=((date(2024, 9, 1), date(2025, 7, 31)),))
ACTIVE = (Period(date(2015, 1, 1), None, "active"),)


def test_example_7_a_student_child_dying_at_23_is_paid_and_outside_the_study_period_is_not():
    during = _decide(CHILD_DEATH, date(2025, 3, 1), date(2025, 3, 20), affiliations=ACTIVE, deceased=CHILD)
    after = _decide(CHILD_DEATH, date(2025, 8, 15), date(2025, 9, 1), affiliations=ACTIVE, deceased=CHILD)

    assert (during.outcome, during.amount) == (LIQUIDATED, D("1500.00"))
    assert (after.outcome, after.reason, after.amount) == (REJECTED, BENEFICIARY_NOT_ELIGIBLE, D("0.00"))


def test_example_8_a_second_request_for_the_same_child_is_already_paid():
    decision = _decide(CHILD_DEATH, date(2025, 3, 1), date(2025, 3, 20), affiliations=ACTIVE, deceased=CHILD,
                       already_granted=True)

    assert (decision.outcome, decision.reason, decision.amount) == (REJECTED, ALREADY_PAID, D("0.00"))


def test_a_spouse_is_covered_while_married_and_not_after_the_divorce():
    spouse = Deceased(relation="spouse", birth_date=date(1970, 1, 1), marriage_start=date(1995, 6, 1),
                      marriage_end=date(2020, 1, 1))
    married = _decide(SPOUSE_DEATH, date(2019, 12, 31), date(2020, 2, 1), affiliations=ACTIVE, deceased=spouse)
    divorced = _decide(SPOUSE_DEATH, date(2020, 1, 1), date(2020, 2, 1), affiliations=ACTIVE, deceased=spouse)

    assert (married.outcome, married.amount) == (LIQUIDATED, D("3000.00"))
    assert divorced.reason == BENEFICIARY_NOT_ELIGIBLE


def test_a_disabled_child_is_covered_at_any_age_and_a_death_before_affiliation_is_not():
    disabled = Deceased(relation="child", birth_date=date(1980, 1, 1), disabled_from=date(1980, 1, 1))

    assert _decide(CHILD_DEATH, date(2025, 3, 1), date(2025, 4, 1), affiliations=ACTIVE,
                   deceased=disabled).amount == D("1500.00")
    assert _decide(CHILD_DEATH, date(2014, 3, 1), date(2014, 4, 1), affiliations=ACTIVE,
                   deceased=disabled).reason == NOT_AFFILIATED_ON_EVENT


def test_the_rules_apply_in_order_late_before_already_paid_before_seniority():
    short = (Period(date(2020, 1, 1), date(2024, 2, 29), "retired"),)

    assert _decide(RETIREMENT, date(2024, 3, 1), date(2026, 3, 2), affiliations=short,
                   already_granted=True).reason == LATE_REQUEST
    assert _decide(RETIREMENT, date(2024, 3, 1), date(2024, 3, 2), affiliations=short,
                   already_granted=True).reason == ALREADY_PAID


def test_the_same_input_gives_the_same_decision():
    request = ProvidentInput(benefit=MEMBER_DEATH, event_date=date(2025, 5, 20), received_on=date(2025, 6, 2),
                             affiliations=M, heirs=_heirs(*["1/7"] * 7))

    assert decide(request, TERMS[MEMBER_DEATH]) == decide(request, TERMS[MEMBER_DEATH])


def test_input_intake_must_refuse_is_refused_by_the_engine_too():
    with pytest.raises(InvalidProvidentInput):
        ProvidentInput(benefit=RETIREMENT, event_date=date(2025, 1, 2), received_on=date(2025, 1, 1), affiliations=M)
    with pytest.raises(InvalidProvidentInput):
        HeirShare(key="1", share=Fraction(0))
    with pytest.raises(InvalidProvidentInput):
        ProvidentInput(benefit=CHILD_DEATH, event_date=date(2025, 1, 1), received_on=date(2025, 1, 1), affiliations=M)
