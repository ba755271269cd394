"""Shared fixtures: a small named cast of users, and the real Celery worker for tests that need one."""

import pytest
from django.core.management import call_command

pytest_plugins = ["tests.worker"]


@pytest.fixture
def demo_data(db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.ma", "Root-Password-2026")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters (members.throttles) live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def eager_tasks():
    """Tasks run in-process at once, as under `make run` (for a test that wants a task's effect without a worker;
    wrap the request in django_capture_on_commit_callbacks(execute=True) when the task is queued on commit)."""
    from mutuelle.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
