"""The per-file liquidation task's cost in SQL statements stays flat: at most 12 (BEGIN and COMMIT and the
after-commit outbox mark included) whether the file has 1 or 20 lines, and whether 1 or 3 files of the
beneficiary wait (the task prices the earlier ones with it). The issue measured 17 for one file, plus 8 per
earlier pending file, before the status moves became set-based."""

from datetime import date, timedelta

import pytest
from django.db import connection

from claims.models import ClaimFile, StatusChange
from claims.services.liquidation import claim_liquidate, liquidation_caches_warm
from outbox.models import OutboxMessage

from . import liquidation_builders as b

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the after-commit work runs and counts
BUDGET = 12


class Statements:
    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)

    @property
    def count(self) -> int:
        return len(self.sql) + 2  # BEGIN and COMMIT: psycopg2 sends them without cursor.execute


def _files(lines: int, pending: int) -> list[ClaimFile]:
    """A beneficiary with a priced file of history and `pending` received files of `lines` consultations."""
    beneficiary = b.self_of(b.member())
    history = b.received_file(beneficiary, [b.consultation(date(2025, 2, 1))], received_on=date(2025, 2, 5))
    claim_liquidate(claim_id=history.pk)
    return [b.received_file(beneficiary, [("MED", date(2025, 3, 1) + timedelta(days=k), 1, f"{50 + i}.00")
                                          for i in range(lines)], received_on=date(2025, 3, 10) + timedelta(days=k))
            for k in range(pending)]


@pytest.mark.parametrize(("lines", "pending"), [(1, 1), (20, 1), (1, 3), (20, 3)])
def test_the_per_file_task_stays_within_its_statement_budget(lines, pending):
    b.reference()
    files = _files(lines, pending)
    liquidation_caches_warm()  # the per-process caches are warm in a worker
    statements = Statements()

    with connection.execute_wrapper(statements):
        assert claim_liquidate(claim_id=files[-1].pk) in ("liquidated", "in_review")

    assert statements.count <= BUDGET, "\n".join(statements.sql)
    assert not [s for s in statements.sql if s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]
    # Everything was written: every file priced, its history rows, the members' notices queued and published.
    assert not ClaimFile.objects.filter(pk__in=[f.pk for f in files], status="received").exists()
    assert StatusChange.objects.filter(claim__in=files).count() == 2 * pending
    assert OutboxMessage.objects.filter(task="claims.tasks.notify_claim_status").count() == pending + 1
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


def test_the_statement_count_does_not_depend_on_lines_or_pending_files():
    b.reference()
    counts = []
    for lines, pending in [(1, 1), (20, 3)]:
        files = _files(lines, pending)
        liquidation_caches_warm()
        statements = Statements()
        with connection.execute_wrapper(statements):
            claim_liquidate(claim_id=files[-1].pk)
        counts.append(statements.count)
    assert counts[0] == counts[1], counts
