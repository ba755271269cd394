"""EXPLAIN of the liquidation's hot reads: which index reaches the claim files, and how long the read takes.

Shared by `make bench` (on the 100k data set) and tests/claims/test_query_plans.py (stale statistics)."""

import json
import time

from django.db import connection

from claims.models import ClaimFile, ClaimStatus


def plan_nodes(queryset, *, analyze: bool = False) -> tuple[list[dict], float | None]:
    """The plan's nodes (flattened) and, with `analyze`, the execution time in ms."""
    sql, params = queryset.query.sql_with_params()
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes, plan[0].get("Execution Time")


def indexes_of(table: str) -> dict[str, str]:
    """name -> definition of the table's indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def claimfile_access(nodes: list[dict]) -> set[str]:
    """How the plan reaches claim files: 'Seq Scan:' or '<node type>:<index name>'."""
    table = ClaimFile._meta.db_table
    indexes = indexes_of(table)
    return {f"{n['Node Type']}:{n.get('Index Name', '')}" for n in nodes
            if (n.get("Relation Name") == table and "Index Name" not in n and "Heap" not in n["Node Type"])
            or n.get("Index Name") in indexes}


def beneficiary_led(access: set[str]) -> bool:
    """Every way into the claim files is an index whose first column is the beneficiary."""
    indexes = indexes_of(ClaimFile._meta.db_table)
    names = [a.split(":", 1)[1] for a in access]
    return bool(names) and all(n and "(beneficiary_id" in indexes.get(n, "") for n in names)


def pending_query(beneficiary_ids: list[int]):
    return (ClaimFile.objects.filter(beneficiary_id__in=beneficiary_ids, status=ClaimStatus.RECEIVED)
            .order_by("beneficiary_id", "received_on", "created_at", "pk").values_list("pk"))


def report(beneficiary_id: int) -> dict:
    """EXPLAIN ANALYZE of the history and pending reads for one beneficiary with history."""
    from datetime import date

    from claims.services.liquidation_loader import history_rows

    out = {}
    started = time.perf_counter()
    for name, queryset in (("history", history_rows([beneficiary_id], date(2024, 12, 1), date(2025, 12, 31))),
                           ("pending", pending_query([beneficiary_id]))):
        nodes, ms = plan_nodes(queryset, analyze=True)
        access = claimfile_access(nodes)
        out[name] = {"access": sorted(access), "beneficiary_led": beneficiary_led(access),
                     "execution_ms": round(ms, 3) if ms is not None else None}
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out
