"""The liquidation's hot reads keep an index plan when the statistics are stale (EXPLAIN, real PostgreSQL).

A bulk run moves a backlog from `received` to priced; until ANALYZE runs, the planner believes no file is
priced. The history read then chose an index over every file's status and walked every priced file of the table
for each file priced. The (beneficiary, status, ...) index makes the plan independent of that luck."""

from datetime import date

import pytest
from django.db import connection

from bench import dataset
from bench.plans import beneficiary_led, claimfile_access, indexes_of, pending_query, plan_nodes
from claims.models import ClaimFile, ClaimLine, ClaimStatus
from claims.services.liquidation_loader import history_rows

pytestmark = pytest.mark.django_db

INDEX = "claimfile_beneficiary_status"


@pytest.fixture
def stale_statistics():
    """3,000 received files over 300 members (with fewer, even a plain status index loses), analysed, then all
    priced behind the planner's back (autovacuum cannot see the test's uncommitted rows: only this ANALYZE
    informs the planner). With a plain index on status, the history read goes through it: checked by hand."""
    dataset.generate(files=3000, members=300)
    with connection.cursor() as cursor:
        for model in (ClaimFile, ClaimLine):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"ANALYZE {table}")
    ClaimFile.objects.exclude(status="draft").update(status=ClaimStatus.LIQUIDATED)
    ClaimLine.objects.update(accepted=True)
    return ClaimFile.objects.order_by("pk").values_list("beneficiary_id", flat=True).first()


def test_the_history_and_pending_reads_go_through_the_beneficiary_with_stale_statistics(stale_statistics):
    beneficiary_id = stale_statistics
    history = claimfile_access(plan_nodes(history_rows([beneficiary_id], date(2024, 1, 1), date(2026, 1, 1)))[0])
    assert beneficiary_led(history), history

    ClaimFile.objects.filter(beneficiary_id=beneficiary_id).update(status=ClaimStatus.RECEIVED)
    access = claimfile_access(plan_nodes(pending_query([beneficiary_id]))[0])
    assert beneficiary_led(access), access


def test_the_status_queues_keep_an_index_and_the_liquidation_reads_have_theirs():
    indexes = indexes_of(ClaimFile._meta.db_table)
    assert "(beneficiary_id, status, received_on, created_at)" in indexes[INDEX]
    assert "WHERE" in indexes["claimfile_open_status"]
    # No index over every file's status: with stale statistics it attracts the history read.
    assert not [d for d in indexes.values() if "(status" in d and "WHERE" not in d]
