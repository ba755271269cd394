"""The liquidation's hot reads keep an index plan when the statistics are stale (EXPLAIN, real PostgreSQL).

A bulk run moves a backlog from `received` to priced; until ANALYZE runs, the planner believes no file is
priced. The history read then chose the (status, received_on) index and walked every priced file of the table
for each file priced. The (beneficiary, status, ...) index makes the plan independent of that luck."""

import json
from datetime import date

import pytest
from django.db import connection

from bench import dataset
from claims.models import ClaimFile, ClaimLine, ClaimStatus
from claims.services.liquidation_loader import history_rows

pytestmark = pytest.mark.django_db

INDEX = "claimfile_beneficiary_status"


def _plan_nodes(queryset) -> list[dict]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def _claimfile_access(nodes: list[dict]) -> set[str]:
    """How the plan reaches claim files: 'Seq Scan:' or '<node>:<index name>'."""
    table = ClaimFile._meta.db_table
    indexes = _indexes_of(table)
    return {f"{n['Node Type']}:{n.get('Index Name', '')}" for n in nodes
            if (n.get("Relation Name") == table and "Index Name" not in n and "Heap" not in n["Node Type"])
            or n.get("Index Name") in indexes}


def _indexes_of(table: str) -> dict[str, str]:
    """name -> definition of the table's indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def _beneficiary_led(access: set[str]) -> bool:
    """Every way in is an index whose first column is the beneficiary."""
    indexes = _indexes_of(ClaimFile._meta.db_table)
    names = [a.split(":", 1)[1] for a in access]
    return bool(names) and all(n and "(beneficiary_id" in indexes[n] for n in names)


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
    history = _claimfile_access(_plan_nodes(history_rows([beneficiary_id], date(2024, 1, 1), date(2026, 1, 1))))
    assert _beneficiary_led(history), history

    ClaimFile.objects.filter(beneficiary_id=beneficiary_id).update(status=ClaimStatus.RECEIVED)
    pending = (ClaimFile.objects.filter(beneficiary_id__in=[beneficiary_id], status=ClaimStatus.RECEIVED)
               .order_by("beneficiary_id", "received_on", "created_at", "pk").values_list("pk"))
    access = _claimfile_access(_plan_nodes(pending))
    assert _beneficiary_led(access), access


def test_the_status_queues_keep_an_index_and_the_liquidation_reads_have_theirs():
    indexes = _indexes_of(ClaimFile._meta.db_table)
    assert "(beneficiary_id, status, received_on, created_at)" in indexes[INDEX]
    assert "WHERE" in indexes["claimfile_open_status"]
    # No index over every file's status: with stale statistics it attracts the history read.
    assert not [d for d in indexes.values() if "(status" in d and "WHERE" not in d]
