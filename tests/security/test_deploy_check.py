"""Production settings pass Django's deployment checklist with no warning, and the check does fail without them."""

import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mutuelle.settings",
             "MUTUELLE_VAR_DIR": "/tmp/mutuelle-deploy-check", **env},
    )


PRODUCTION = {"SECURE": "true", "DEBUG": "false", "ALLOWED_HOSTS": "mutuelle.example.ma",
              "DATABASE_URL": "postgres://mutuelle@127.0.0.1:5432/mutuelle"}


def test_production_settings_pass_the_deployment_checklist_with_no_warning():
    result = _check_deploy({**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_without_secure_the_deployment_checklist_warns_about_hsts_cookies_and_redirect():
    result = _check_deploy({**PRODUCTION, "SECURE": "false", "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_production_does_not_boot_without_a_secret_key():
    result = _check_deploy(PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set whenever DEBUG is false" in result.stderr


def test_the_development_secret_key_is_flagged_if_it_reaches_a_deployment_check():
    result = _check_deploy({**PRODUCTION, "DEBUG": "true"})
    assert result.returncode != 0
    assert "security.W009" in result.stderr
