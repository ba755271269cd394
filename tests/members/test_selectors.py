"""member_search: what the front desk types (a number, a CIN, a name) finds the member, in few queries."""

import pytest

from members.selectors import member_search
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wanted():
    MemberFactory(first_name="Omar", last_name="Berrada", last_name_ar="برادة", cin="AA111111")
    return MemberFactory(first_name="Naima", last_name="Ouazzani", last_name_ar="الوزاني", cin="JK424242")


@pytest.mark.parametrize("query", ["number", "number_prefix", "jk424242", "JK42", "ouazz", "naima ouazzani",
                                   "الوزاني"])
def test_member_search_finds_a_member_by_number_cin_or_name(wanted, query):
    query = {"number": wanted.membership_number, "number_prefix": wanted.membership_number[:-1]}.get(query, query)
    found = member_search(query=query)
    if query.isdigit():  # a number prefix may match neighbours too
        assert wanted in found
    else:
        assert found == [wanted]


def test_member_search_ignores_an_empty_query():
    MemberFactory()
    assert member_search(query="  ") == []


@pytest.mark.parametrize("count", [1, 30])
def test_member_search_runs_a_constant_number_of_queries_and_honours_the_limit(count, django_assert_num_queries):
    for _ in range(count):
        MemberFactory(last_name="Tazi")
    with django_assert_num_queries(2):
        found = member_search(query="tazi", limit=20)
        assert all(m.mutual.code and m.affiliations.all() for m in found)
    assert len(found) == min(count, 20)
