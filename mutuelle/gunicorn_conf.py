"""Gunicorn settings of the web service (docker-compose, bench/load.py): `gunicorn -c mutuelle/gunicorn_conf.py`.

Sized for the 2-core host: one worker process per core (WEB_CONCURRENCY), each with GUNICORN_THREADS threads
(gthread). A page is mostly Python (one core per process, the GIL), with a few milliseconds of waiting on
PostgreSQL in between: threads fill those waits without the memory and the extra database connections of more
processes. Measured with `make bench` (bench/load.py --workers/--threads); see docs/performance.md."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = 60
graceful_timeout = 10
keepalive = 5
# Recycle a worker now and then: a slow leak in a dependency never grows without bound.
max_requests = 5000
max_requests_jitter = 500


def post_worker_init(worker) -> None:
    """Each process loads the URLconf and the catalogues and freezes them for the garbage collector before its
    first request (mutuelle/warm.py)."""
    from mutuelle.warm import web_process_warm

    web_process_warm()
