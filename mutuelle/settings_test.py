"""Settings for the test suite: the real local PostgreSQL and Redis, never SQLite or an in-memory broker.

TEST_DB_SUFFIX and TEST_REDIS_DB let several test runs share one machine without stepping on each other."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mutuelle")
os.environ.setdefault("CELERY_BROKER_URL", f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_DB', '1')}")
os.environ.setdefault("MUTUELLE_VAR_DIR", "/tmp/mutuelle-test-var")
os.environ.setdefault("PAYMENT_DEBTOR_IBAN", "MA10007640000123456789012345")  # a test account of the mutual
# DEBUG is false in tests (as in production), so a key is required; this one signs nothing outside the tests.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0f9c3a8e5b7d41e2a6c9b0d3f5e7a1c4")

from .settings import *  # noqa: E402,F403
from .settings import DATABASES  # noqa: E402

_suffix = os.environ.get("TEST_DB_SUFFIX", "")
DATABASES["default"]["TEST"] = {"NAME": f"test_mutuelle{'_' + _suffix if _suffix else ''}"}
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Tests that need a worker start a real one; everything else queues to the real broker and a
# test that wants the task's effect runs it through the worker fixture.
CELERY_TASK_ALWAYS_EAGER = False
OUTBOX_PUBLISH_IN_BACKGROUND = False  # after-commit publishing inline; tests of the background thread turn it on
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
STAFF_OTP_REQUIRED = False  # tests of staff pages use force_login; tests/security turns it on
MEDIA_ROOT = Path("/tmp/mutuelle-test-var/private-media")  # noqa: F405
