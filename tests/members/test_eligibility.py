"""Rule 2 (docs/liquidation.md) through the real path: database rows -> BeneficiaryFacts -> the engine."""

from datetime import date

import pytest
from django.utils import translation

from claims.models import RuleParameters
from members.selectors import beneficiary_eligibility, beneficiary_facts, member_coverage, member_overview
from tests.factories import (
    AffiliationFactory,
    BeneficiaryFactory,
    MemberFactory,
    SpouseFactory,
    StudentPeriodFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield

BORN = date(2005, 3, 14)  # turns 21 on 2026-03-14, 26 on 2031-03-14


def check(beneficiary, on):
    return beneficiary_eligibility(beneficiary=beneficiary, on=on)


def test_the_member_himself_is_always_eligible():
    member = MemberFactory()
    result = check(member.beneficiaries.get(relation="member"), date(2026, 11, 23))
    assert result.eligible and result.reason_code == "MEMBER" and result.ends_on is None


def test_a_child_is_eligible_the_day_before_21_and_not_on_the_21st_birthday():
    child = BeneficiaryFactory(birth_date=BORN)
    before = check(child, date(2026, 3, 13))
    assert before.eligible and before.reason_code == "CHILD_UNDER_21"
    assert before.ends_on == date(2026, 3, 14)
    assert before.last_covered_day == date(2026, 3, 13)
    on_birthday = check(child, date(2026, 3, 14))
    assert not on_birthday.eligible and on_birthday.reason_code == "CHILD_OVER_AGE"
    assert str(on_birthday.reason) == "No longer covered: over the age limit for children."


@pytest.mark.parametrize(("language", "son", "daughter"), [
    ("fr", "N’est plus couvert : limite d’âge des enfants dépassée.",
     "N’est plus couverte : limite d’âge des enfants dépassée."),
    ("ar", "لم يعد مشمولًا بالتغطية: تجاوز السن القصوى للأطفال.", "لم تعد مشمولة بالتغطية: تجاوزت السن القصوى للأطفال."),
    ("en", "No longer covered: over the age limit for children.",
     "No longer covered: over the age limit for children."),
])
def test_why_a_person_is_covered_or_not_agrees_with_a_woman_in_arabic_and_french(language, son, daughter):
    member = MemberFactory()
    boy = BeneficiaryFactory(member=member, birth_date=BORN, sex="M")
    girl = BeneficiaryFactory(member=member, birth_date=BORN, sex="F")
    with translation.override(language):
        assert str(check(boy, date(2026, 3, 14)).reason) == son
        assert str(check(girl, date(2026, 3, 14)).reason) == daughter
        covered = str(check(girl, date(2026, 3, 13)).reason), str(check(boy, date(2026, 3, 13)).reason)
    assert (covered[0] == covered[1]) == (language == "en")  # "Couverte en tant qu'enfant" / "Couvert ..."


def test_a_child_over_21_is_eligible_on_the_first_and_last_day_of_a_student_period_only():
    child = BeneficiaryFactory(birth_date=BORN)
    StudentPeriodFactory(beneficiary=child, start=date(2026, 9, 1), end=date(2027, 7, 31))
    assert not check(child, date(2026, 8, 31)).eligible
    first = check(child, date(2026, 9, 1))
    assert first.eligible and first.reason_code == "CHILD_STUDENT" and first.ends_on == date(2027, 8, 1)
    assert check(child, date(2027, 7, 31)).eligible
    assert not check(child, date(2027, 8, 1)).eligible


def test_a_student_period_running_past_26_stops_on_the_26th_birthday():
    child = BeneficiaryFactory(birth_date=BORN)
    StudentPeriodFactory(beneficiary=child, start=date(2030, 9, 1), end=date(2031, 7, 31))
    day_before = check(child, date(2031, 3, 13))
    assert day_before.eligible and day_before.ends_on == date(2031, 3, 14)
    assert not check(child, date(2031, 3, 14)).eligible


def test_cover_under_21_running_into_a_student_period_ends_when_the_studies_end():
    child = BeneficiaryFactory(birth_date=BORN)
    StudentPeriodFactory(beneficiary=child, start=date(2025, 9, 1), end=date(2026, 7, 31))
    result = check(child, date(2026, 1, 10))
    assert result.eligible and result.reason_code == "CHILD_UNDER_21" and result.ends_on == date(2026, 8, 1)


def test_a_disabled_child_is_eligible_at_any_age():
    child = BeneficiaryFactory(birth_date=date(1990, 1, 1), disabled_from=date(1990, 1, 1))
    result = check(child, date(2026, 11, 23))
    assert result.eligible and result.reason_code == "CHILD_DISABLED" and result.ends_on is None


def test_a_spouse_is_eligible_until_the_divorce_and_not_on_or_after_it():
    spouse = SpouseFactory(marriage_end=date(2024, 3, 1))
    before = check(spouse, date(2024, 2, 29))
    assert before.eligible and before.ends_on == date(2024, 3, 1)
    after = check(spouse, date(2024, 3, 1))
    assert not after.eligible and after.reason_code == "SPOUSE_MARRIAGE_ENDED"


def test_a_married_spouse_is_eligible_with_no_end():
    result = check(SpouseFactory(), date(2026, 11, 23))
    assert result.eligible and result.reason_code == "SPOUSE_MARRIED" and result.ends_on is None


def test_the_age_limit_comes_from_the_dated_rule_parameters():
    RuleParameters.objects.create(effective_from=date(2023, 1, 1), child_age_limit=22)
    child = BeneficiaryFactory(birth_date=BORN)
    assert check(child, date(2026, 3, 14)).eligible
    assert not check(child, date(2027, 3, 14)).eligible


def test_beneficiary_facts_carry_every_student_period():
    child = BeneficiaryFactory(birth_date=BORN)
    StudentPeriodFactory(beneficiary=child, start=date(2026, 9, 1), end=date(2027, 7, 31))
    StudentPeriodFactory(beneficiary=child, start=date(2027, 9, 1), end=date(2028, 7, 31))
    facts = beneficiary_facts(child)
    assert facts.relation == "child" and facts.birth_date == BORN
    assert facts.student_periods == ((date(2026, 9, 1), date(2027, 7, 31)), (date(2027, 9, 1), date(2028, 7, 31)))


def test_a_member_is_covered_only_inside_an_affiliation_period():
    member = MemberFactory(affiliated_since=False)
    AffiliationFactory(member=member, start=date(2015, 1, 1), end=date(2019, 12, 31), status="closed")
    assert member_coverage(member=member, on=date(2019, 12, 31)).covered
    after = member_coverage(member=member, on=date(2020, 1, 1))
    assert not after.covered and after.period.end == date(2019, 12, 31)


def test_the_overview_lists_every_beneficiary_with_eligibility_in_a_constant_number_of_queries(
    django_assert_num_queries,
):
    member = MemberFactory()
    SpouseFactory(member=member)
    for _ in range(3):
        StudentPeriodFactory(beneficiary=BeneficiaryFactory(member=member, birth_date=BORN))
    with django_assert_num_queries(5):
        overview = member_overview(member=member, on=date(2026, 11, 23))
    assert [b.beneficiary.relation for b in overview.beneficiaries] == ["member", "spouse", "child", "child", "child"]
    assert overview.coverage.covered


def test_a_husband_is_covered_as_the_spouse_of_a_woman_member_and_a_wife_as_the_spouse_of_a_man():
    husband = SpouseFactory(sex="M", marriage_start=date(2010, 1, 1))
    wife = SpouseFactory(sex="F", marriage_start=date(2010, 1, 1))
    with translation.override("fr"):
        assert str(check(husband, date(2026, 1, 5)).reason) == "Couvert en tant que conjoint de l’adhérente."
        assert str(check(wife, date(2026, 1, 5)).reason) == "Couverte en tant que conjointe de l’adhérent."
    with translation.override("ar"):
        assert str(check(husband, date(2026, 1, 5)).reason) == "مشمول بالتغطية بصفته زوج المنخرطة."
        assert str(check(wife, date(2026, 1, 5)).reason) == "مشمولة بالتغطية بصفتها زوجة المنخرط."
