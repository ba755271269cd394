"""The engine's reason codes, their translated messages (kept outside the pure package), and the purity of
claims/liquidation/: importing it loads nothing of Django."""

import subprocess
import sys
from pathlib import Path

from claims.liquidation import reasons
from claims.reason_messages import ELIGIBILITY_MESSAGES, REASON_MESSAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_reason_code_has_a_message() -> None:
    assert set(REASON_MESSAGES) == {
        "MEMBER_NOT_COVERED",
        "BENEFICIARY_NOT_ELIGIBLE",
        "LATE_FILING",
        "UNKNOWN_ACT",
        "PRIOR_AGREEMENT_MISSING",
        "DUPLICATE",
        "FREQUENCY_LIMIT",
        "CEILING_REACHED",
    }
    assert set(ELIGIBILITY_MESSAGES) == {
        "MEMBER",
        "SPOUSE_MARRIED",
        "SPOUSE_MARRIAGE_ENDED",
        "CHILD_UNDER_21",
        "CHILD_STUDENT",
        "CHILD_DISABLED",
        "CHILD_OVER_AGE",
        "NOT_YET_COVERED",
    }


def test_the_codes_of_the_messages_are_the_engines_own_constants() -> None:
    assert REASON_MESSAGES[reasons.LATE_FILING] and ELIGIBILITY_MESSAGES[reasons.CHILD_STUDENT]


def test_no_module_of_the_engine_package_imports_django_or_the_orm() -> None:
    code = ("import importlib, pkgutil, sys, claims.liquidation as package; "
            "[importlib.import_module(m.name) for m in pkgutil.iter_modules(package.__path__, 'claims.liquidation.')]; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework', 'celery') "
            "or m.startswith(('claims.models', 'members', 'claims.services'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
