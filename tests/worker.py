"""pytest plugin: a real Celery worker process on the test database and the test Redis db.

Tests using it are marked `worker` and `django_db(transaction=True)` (the worker is another process: it only
sees committed rows). The worker is stopped before the test database is flushed.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
QUEUES = "liquidation,provident,notifications,periodic,default"
BROKER_KEYS = [*QUEUES.split(","), "unacked", "unacked_index", "unacked_mutex"]


def wait_for(predicate: Callable[[], object], *, timeout: float = 60.0, every: float = 0.05, what: str = "") -> object:
    """Polls `predicate` until it returns something truthy; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or predicate}")
        time.sleep(every)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def broker_purge() -> None:
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(*BROKER_KEYS)


class WorkerProcess:
    """`celery -A mutuelle worker` as a subprocess in its own process group (so SIGKILL takes its children)."""

    def __init__(self, name: str = "w1", concurrency: int = 1, database_url: str | None = None,
                 broker_url: str | None = None, settings_module: str = "mutuelle.settings_test",
                 queues: str = QUEUES) -> None:
        self.name = name
        self.queues = queues
        self.concurrency = concurrency
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module,
                    "DATABASE_URL": database_url or _database_url(),
                    "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL, "PYTHONPATH": str(ROOT)}
        self.log = Path(tempfile.mkstemp(prefix=f"celery-{name}-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> "WorkerProcess":
        self.log.write_text("")
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "mutuelle", "worker", "-Q", self.queues, "--concurrency",
                 str(self.concurrency), "--pool", "prefork", "-n", f"{self.name}@%h", "--loglevel", "INFO",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while "ready." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"celery worker did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: the worker dies mid-task, with no chance to clean up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        # Children of a prefork pool may outlive a warm shutdown for a moment; none may hold the test DB.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A `redis-server` of the test's own on a free port, keeping nothing on disk: a test that breaks its broker
    (stops or restarts it) breaks only this one, never the shared Redis on 6379 other runs use."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        return b"PONG" in subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout

    def start(self) -> "RedisServer":
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(self.port),
                        "--save", "", "--appendonly", "no", "--dir", str(self.directory),
                        "--pidfile", str(self.directory / "redis.pid"), "--logfile", str(self.directory / "redis.log")],
                       check=True, capture_output=True, timeout=10)
        wait_for(self.answers, every=0.01, timeout=30, what=f"redis-server on port {self.port} to answer")
        return self

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
        wait_for(lambda: not self.answers(), every=0.01, timeout=10, what=f"redis-server on port {self.port} to stop")

    def restart(self) -> float:
        """Down and up again; returns the downtime in seconds."""
        down_at = time.monotonic()
        self.stop()
        self.start()
        return time.monotonic() - down_at


@pytest.fixture
def own_broker(tmp_path, settings) -> Iterator[RedisServer]:
    """The test's own Redis as the Celery broker of this process and of the workers it starts."""
    from mutuelle.celery import app

    server = RedisServer(tmp_path).start()
    previous = app.conf.broker_url

    def use(url: str) -> None:
        # Celery derived the read and write URLs from broker_url when it was configured: all three change.
        app.conf.broker_url = app.conf.broker_read_url = app.conf.broker_write_url = url
        app._pool = None  # the connection and producer pools were made for the previous broker
        app.amqp._producer_pool = None

    settings.CELERY_BROKER_URL = server.url
    use(server.url)
    try:
        yield server
    finally:
        use(previous)
        server.stop()


@pytest.fixture
def celery_worker_factory(transactional_db) -> Iterator[Callable[..., WorkerProcess]]:
    """Starts workers on demand (several, or again after a kill); all are stopped at teardown."""
    broker_purge()
    started: list[WorkerProcess] = []

    def start(name: str = "w1", concurrency: int = 1) -> WorkerProcess:
        worker = WorkerProcess(name=name, concurrency=concurrency).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    broker_purge()


@pytest.fixture
def celery_worker(celery_worker_factory) -> WorkerProcess:
    """One real worker on every queue, concurrency 1, prefork pool."""
    return celery_worker_factory()
