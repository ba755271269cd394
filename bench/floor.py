"""The SQL-only floor: what PostgreSQL alone takes to write the rows bulk liquidation writes.

Same rows as the bulk run (every line of every `received` file, every file's totals and status, two history
rows per file), written by three set-based statements in one backend with no reading into Python and no
pricing, then rolled back; VACUUM FULL puts the tables back as they were loaded, so the bulk run that follows
starts from the same pages. Bulk at >= 0.5 of this floor spends at most as long in Python as in PostgreSQL."""

import time

from django.db import connection, transaction

from claims.models import ClaimFile, ClaimLine, StatusChange


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sql_floor() -> dict:
    files_t, lines_t, changes_t = _table(ClaimFile), _table(ClaimLine), _table(StatusChange)
    with transaction.atomic():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {changes_t} (claim_id, from_status, to_status, reason, changed_at, reason_code, "
                f"reason_params) SELECT c.id, s.f, s.t, '', now(), '', '{{}}'::jsonb FROM {files_t} c "
                "CROSS JOIN (VALUES (1, 'received', 'liquidating'), (2, 'liquidating', 'liquidated')) AS s(n, f, t) "
                "WHERE c.status = 'received' ORDER BY c.id, s.n"
            )
            cursor.execute(
                f"UPDATE {lines_t} AS l SET accepted = true, accepted_quantity = l.quantity, "
                "accepted_billed_amount = l.billed_amount, base_amount = l.billed_amount, "
                "amo_amount = round(l.billed_amount * 0.8, 2), complementary_amount = round(l.billed_amount * 0.1, 2), "
                f"reason_codes = '[]'::jsonb FROM {files_t} c WHERE l.claim_id = c.id AND c.status = 'received'"
            )
            lines = cursor.rowcount
            cursor.execute(
                f"UPDATE {files_t} AS c SET status = 'liquidated', total_base = c.total_billed, "
                "total_amo = round(c.total_billed * 0.8, 2), total_complementary = round(c.total_billed * 0.1, 2), "
                "total_reimbursed = round(c.total_billed * 0.9, 2), liquidated_at = now(), lease_until = NULL, "
                "liquidation_attempts = c.liquidation_attempts + 1, updated_at = now() WHERE c.status = 'received'"
            )
            files = cursor.rowcount
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        for table in (files_t, lines_t, changes_t):
            cursor.execute(f"VACUUM FULL ANALYZE {table}")
    return {"files": files, "lines": lines, "seconds": round(seconds, 2),
            "files_per_s": round(files / seconds, 1) if seconds else 0.0,
            "how": "3 set-based statements, 1 backend, no pricing, rolled back"}
