import os

from celery import Celery
from celery.signals import task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.settings")

app = Celery("mutuelle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _database_connections_check(task=None, **_kwargs) -> None:
    """With CELERY_DB_REUSE_MAX a worker keeps its connection between tasks; like Django at the start of every
    request, drop one that broke (PostgreSQL restarted, backend terminated) or outlived CONN_MAX_AGE, so one
    broken connection fails at most one task, never every task until the next recycle."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in-process (no broker): the caller's connection, maybe inside its transaction
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


@worker_init.connect
def _process_warm(**_kwargs) -> None:
    """In the worker's main process, before the pool forks: what every child's first task would otherwise import
    (claims.services.liquidation.liquidation_process_warm; no database connection is opened here)."""
    from claims.services.liquidation import liquidation_process_warm

    liquidation_process_warm()
