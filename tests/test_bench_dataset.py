"""The benchmark's data set is made for an empty database: it refuses one that holds data, before writing anything."""

import pytest

from bench.dataset import DatabaseNotEmpty, generate
from claims.models import ClaimFile
from members.models import AffiliationPeriod, Beneficiary, Member
from tests.factories import MemberFactory


@pytest.mark.django_db
def test_generating_over_a_database_with_members_is_refused_and_changes_nothing():
    MemberFactory()
    before = (Member.objects.count(), AffiliationPeriod.objects.count(), Beneficiary.objects.count())
    with pytest.raises(DatabaseNotEmpty, match="needs an empty database"):
        generate(files=20, members=5)
    assert (Member.objects.count(), AffiliationPeriod.objects.count(), Beneficiary.objects.count()) == before
    assert not ClaimFile.objects.exists()


@pytest.mark.django_db
def test_generating_over_an_empty_database_makes_the_files_asked_for():
    counts = generate(files=20, members=5)
    assert ClaimFile.objects.count() == 20 and Member.objects.count() == 5
    assert counts
