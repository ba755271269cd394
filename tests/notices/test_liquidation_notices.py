"""Files priced by the liquidation, per file or in bulk, leave their notices in the members' notification centre:
set-based (one INSERT of notices whatever the number of files), only for members with an account, worded when
read in the reader's language. The bulk path sends no e-mail or SMS (a migrated backlog does not mail thousands
of members at once); the per-file path does, through claims.notifications."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from claims.models import ClaimFile
from claims.services.liquidation import claim_liquidate
from claims.services.liquidation_bulk import liquidate_all
from notices.messages import CLAIM_STATUS, notice_text
from notices.models import Notice
from outbox.models import OutboxMessage
from tests.claims import liquidation_builders as b
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _backlog(members: int, files: int, *, with_account: bool = True) -> list[ClaimFile]:
    out = []
    for _ in range(members):
        member = b.member()
        if with_account:
            member.user = UserFactory(language="ar")
            member.save(update_fields=["user"])
        for k in range(files):
            out.append(b.received_file(b.self_of(member), [b.consultation(date(2025, 3, 1 + k))],
                                       received_on=date(2025, 3, 10 + k)))
    return out


def _notice_inserts(queries: CaptureQueriesContext) -> list[str]:
    """The statements writing notices (on PostgreSQL, the history INSERT of the liquidation writes them too)."""
    return [q["sql"] for q in queries.captured_queries if f"INSERT INTO {Notice._meta.db_table}" in q["sql"]
            or f'INSERT INTO "{Notice._meta.db_table}"' in q["sql"]]


def test_bulk_liquidation_feeds_the_notification_centre_in_one_insert():
    b.reference()
    claims = _backlog(members=4, files=3)
    _backlog(members=1, files=2, with_account=False)  # nobody to tell: no notice, no failure
    with CaptureQueriesContext(connection) as queries:
        files, _lines = liquidate_all(chunk=1000, analyze=False)
    assert files == 14
    inserts = _notice_inserts(queries)
    assert len(inserts) == 1  # one chunk, one statement for its 12 notices: the one writing the history rows
    assert "claims_statuschange" in inserts[0]
    notices = Notice.objects.filter(code=CLAIM_STATUS)
    assert notices.count() == 12
    for claim in claims:
        claim.refresh_from_db()
        notice = notices.get(user=claim.member.user, params__tracking=claim.tracking_code)
        assert notice.params == {"tracking": claim.tracking_code, "status": claim.status}
        assert notice.link == reverse("claims:member_claim", args=[claim.pk])
        assert notice.read_at is None and notice.deliver is False
    with translation.override("ar"):
        text = notice_text(CLAIM_STATUS, notices.first().params)
    assert any("\u0600" <= ch <= "\u06ff" for ch in text) and "liquidated" not in text
    # The bulk path mails nobody.
    assert not OutboxMessage.objects.filter(task="claims.tasks.notify_claim_status").exists()


def test_several_chunks_one_insert_each():
    b.reference()
    _backlog(members=3, files=1)
    with CaptureQueriesContext(connection) as queries:
        liquidate_all(chunk=1, analyze=False)
    assert len(_notice_inserts(queries)) == 3
    assert Notice.objects.filter(code=CLAIM_STATUS).count() == 3


def test_the_per_file_path_leaves_the_same_notices():
    b.reference()
    first, second = _backlog(members=1, files=2)
    assert claim_liquidate(claim_id=second.pk) in ("liquidated", "in_review")  # prices the earlier one too
    user = first.member.user
    statuses = dict(ClaimFile.objects.filter(pk__in=[first.pk, second.pk]).values_list("tracking_code", "status"))
    assert {n.params["tracking"]: n.params["status"] for n in Notice.objects.filter(user=user)} == statuses
    assert OutboxMessage.objects.filter(task="claims.tasks.notify_claim_status").count() == 2


def test_large_chunks_written_through_copy_leave_their_notices_too(monkeypatch):
    """Above `SMALL` rows the writes go through COPY into a temporary table: the notices' CTE rides along."""
    monkeypatch.setattr("claims.services.liquidation_write.SMALL", 1)
    b.reference()
    claims = _backlog(members=2, files=2)
    liquidate_all(chunk=1000, analyze=False)  # (psycopg2's own cursor: not seen by CaptureQueriesContext)
    assert sorted(Notice.objects.filter(code=CLAIM_STATUS).values_list("params__tracking", flat=True)) == sorted(
        claim.tracking_code for claim in claims)
