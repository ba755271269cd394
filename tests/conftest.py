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
