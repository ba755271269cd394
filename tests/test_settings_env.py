import subprocess
import sys

import pytest

from mutuelle.env import ImproperEnvironment, env_bool, env_int, env_url


def test_env_bool_reads_the_usual_words(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False


def test_env_bool_refuses_a_word_it_does_not_know(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperEnvironment, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG")


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperEnvironment, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25)


def test_env_url_refuses_an_unknown_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://db/x")
    with pytest.raises(ImproperEnvironment, match="must start with one of"):
        env_url("DATABASE_URL", schemes=("sqlite", "postgres"))


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mutuelle.settings",
                               "MUTUELLE_VAR_DIR": "/tmp/mutuelle-settings-test", **env})


def test_the_project_starts_for_development_with_debug_alone_on_sqlite_and_eager_tasks():
    result = _load_settings({"DEBUG": "true"})  # what make run sets
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_without_debug_a_missing_secret_key_stops_the_process():
    for env in ({}, {"DEBUG": "false"}, {"DEBUG": "false", "SECRET_KEY": ""}):
        result = _load_settings(env)
        assert result.returncode != 0
        assert "SECRET_KEY must be set whenever DEBUG is false" in result.stderr
    assert _load_settings({"SECRET_KEY": "a-real-secret-of-fifty-characters-0123456789abcdef"}).returncode == 0


def test_a_broker_url_switches_tasks_to_the_broker_and_a_database_url_to_postgresql():
    result = _load_settings({"DATABASE_URL": "postgres://postgres@127.0.0.1/x", "REDIS_URL": "redis://127.0.0.1:6379/0",
                             "SECRET_KEY": "a-real-secret-of-fifty-characters-0123456789abcdef"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_the_process_stops_loudly_on_a_bad_value():
    result = _load_settings({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr
