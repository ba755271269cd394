"""make backup / make restore: a dump of the database restores into a fresh database with the same files and
amounts. Runs the real scripts (pg_dump, pg_restore) against the test database."""

import os
import subprocess
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import ClaimFile
from members.models import Beneficiary, Member

BASE_DIR = Path(__file__).resolve().parents[2]


def _url(dbname: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(BASE_DIR / "scripts" / script), *args], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env})


@pytest.fixture
def fresh_database_url():
    name = f"restore_check_{uuid.uuid4().hex[:12]}"
    yield _url(name)
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _claim_files() -> dict[str, tuple[str, Decimal, Decimal]]:
    member = Member.objects.order_by("id").first()
    beneficiary = Beneficiary.objects.filter(member=member).order_by("id").first()
    amounts = [("1234.56", "987.65"), ("80.00", "64.00"), ("0.01", "0.01")]
    for index, (billed, reimbursed) in enumerate(amounts):
        ClaimFile.objects.create(
            tracking_code=f"BKP-{index:04d}", member=member, beneficiary=beneficiary, status="liquidated",
            channel="front_desk", received_on=date(2026, 1, 5 + index),
            total_billed=Decimal(billed), total_reimbursed=Decimal(reimbursed),
        )
    return {code: (status, billed, reimbursed) for code, status, billed, reimbursed in
            ClaimFile.objects.values_list("tracking_code", "status", "total_billed", "total_reimbursed")}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_the_same_files_and_amounts(tmp_path, fresh_database_url):
    call_command("seed_demo", verbosity=0)
    expected = _claim_files()
    members = Member.objects.count()

    backup = _run("backup.sh", env={"DATABASE_URL": _url(connection.settings_dict["NAME"]),
                                    "BACKUP_DIR": str(tmp_path)})
    assert backup.returncode == 0, backup.stderr
    [dump] = list(tmp_path.glob("*.dump"))
    assert dump.stat().st_mode & 0o077 == 0  # health data: readable by its owner only

    restore = _run("restore.sh", str(dump), env={"RESTORE_DATABASE_URL": fresh_database_url})
    assert restore.returncode == 0, restore.stderr
    assert _restored_files(fresh_database_url) == expected
    assert expected["BKP-0000"][1:] == (Decimal("1234.56"), Decimal("987.65"))
    assert _count(fresh_database_url, "members_member") == members > 0

    # Restoring over an existing database replaces it cleanly, once confirmed (no terminal: RESTORE_YES=1).
    _execute(fresh_database_url, "UPDATE claims_claimfile SET total_reimbursed = 0")
    refused = _run("restore.sh", str(dump), env={"DATABASE_URL": fresh_database_url})
    assert refused.returncode != 0 and "RESTORE_YES=1" in refused.stderr
    again = _run("restore.sh", str(dump), env={"DATABASE_URL": fresh_database_url, "RESTORE_YES": "1"})
    assert again.returncode == 0, again.stderr
    assert _restored_files(fresh_database_url) == expected


def _execute(url: str, sql: str) -> list[tuple]:
    db = psycopg2.connect(url)
    try:
        with db, db.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else []
    finally:
        db.close()


def _restored_files(url: str) -> dict[str, tuple[str, Decimal, Decimal]]:
    rows = _execute(url, "SELECT tracking_code, status, total_billed, total_reimbursed FROM claims_claimfile")
    return {code: (status, billed, reimbursed) for code, status, billed, reimbursed in rows}


def _count(url: str, table: str) -> int:
    return _execute(url, f"SELECT count(*) FROM {table}")[0][0]


def test_backup_refuses_clearly_when_the_database_is_not_postgresql(tmp_path):
    result = _run("backup.sh", env={"DATABASE_URL": "sqlite:///var/mutuelle.sqlite3", "BACKUP_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "not a PostgreSQL URL" in result.stderr
    assert not list(tmp_path.iterdir())


def test_backup_refuses_clearly_without_a_database_url(tmp_path):
    result = _run("backup.sh", env={"BACKUP_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path):
    bogus = tmp_path / "x.dump"
    bogus.write_text("not a dump")
    result = _run("restore.sh", str(bogus), env={"DATABASE_URL": _url("whatever")})
    assert result.returncode != 0
    assert "not a pg_dump custom-format archive" in result.stderr
