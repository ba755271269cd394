"""`/metrics`: Prometheus metrics an operator watches, served only to the metrics token (or the host itself), and
answering in the compose setup (the web service's own command and environment, with a real gunicorn)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from claims.models import ClaimStatus, StatusChange
from tests.claims.factories import ClaimFileFactory
from tests.factories import MemberFactory
from tests.worker import _database_url

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "s3cret-metrics-token"


def _samples(body: bytes) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body.decode()) for s in family.samples}


def _file(status: str, *, entered_ago: timedelta = timedelta(0), reason: str = "", **fields):
    claim = ClaimFileFactory(status=status, **fields)
    change = StatusChange.objects.create(claim=claim, from_status="", to_status=status, reason=reason)
    StatusChange.objects.filter(pk=change.pk).update(changed_at=timezone.now() - entered_ago)
    return claim


@pytest.mark.django_db
def test_the_operators_figures_are_exported(client, settings):
    settings.METRICS_TOKEN = TOKEN
    _file(ClaimStatus.RECEIVED, entered_ago=timedelta(minutes=30))
    _file(ClaimStatus.RECEIVED, entered_ago=timedelta(minutes=2))
    _file(ClaimStatus.IN_REVIEW)  # above the threshold: moved to review with no reason
    _file(ClaimStatus.IN_REVIEW, reason="No rule parameters in force on 2019-01-01.")
    _file(ClaimStatus.LIQUIDATED, total_reimbursed=Decimal("72.00"), member=MemberFactory(iban=""))

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = _samples(response.content)
    assert samples[("mutuelle_claim_files", (("status", "received"),))] == 2
    assert samples[("mutuelle_claim_files", (("status", "in_review"),))] == 2
    assert samples[("mutuelle_claim_files", (("status", "paid"),))] == 0
    assert 30 * 60 <= samples[("mutuelle_oldest_received_age_seconds", ())] < 31 * 60
    assert samples[("mutuelle_in_review_files", (("reason", "threshold"),))] == 1
    assert samples[("mutuelle_in_review_files", (("reason", "error"),))] == 1
    assert samples[("mutuelle_payable_files_without_iban", ())] == 1
    assert samples[("mutuelle_database_up", ())] == 1
    assert samples[("mutuelle_broker_up", ())] == 1
    assert {q for (name, labels) in samples if name == "mutuelle_queue_messages" for _, q in labels} == {
        "liquidation", "notifications", "periodic", "default"}
    assert ("mutuelle_queue_unacked_messages", ()) in samples


@pytest.mark.django_db
def test_queue_depths_count_the_messages_waiting_in_the_broker(client, settings, own_broker):
    import redis

    broker = redis.Redis.from_url(own_broker.url)
    broker.rpush("liquidation", "m1", "m2", "m3")
    broker.rpush("notifications", "m4")
    samples = _samples(client.get("/metrics").content)
    assert samples[("mutuelle_queue_messages", (("queue", "liquidation"),))] == 3
    assert samples[("mutuelle_queue_messages", (("queue", "notifications"),))] == 1
    assert samples[("mutuelle_queue_messages", (("queue", "periodic"),))] == 0


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_is_a_metric_not_an_error(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/metrics")
    assert response.status_code == 200
    samples = _samples(response.content)
    assert samples[("mutuelle_broker_up", ())] == 0
    assert not any(name == "mutuelle_queue_messages" for name, _ in samples)


@pytest.mark.django_db
def test_request_latency_and_responses_by_status_are_counted(client):
    client.get("/units/")
    client.get("/no-such-page/")
    body = client.get("/metrics").content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in body
    assert re.search(r'django_http_responses_total_by_status_total\{status="404"\} [1-9]', body)
    assert re.search(r'django_http_responses_total_by_status_total\{status="200"\} [1-9]', body)


@pytest.mark.django_db
def test_with_a_token_set_only_the_token_opens_the_metrics(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.django_db
def test_without_a_token_only_the_host_itself_gets_the_metrics(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert b"mutuelle_" not in client.get("/metrics", REMOTE_ADDR="203.0.113.9").content


# --- in the compose setup ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_metrics_answer_from_the_compose_web_service(tmp_path):
    """The web service exactly as compose runs it (its command, its environment: SECURE=true, ALLOWED_HOSTS with the
    internal names), only the database and broker addresses pointed at this machine's, as Prometheus scrapes it:
    plain HTTP to web:8000 with the token."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    port = _free_port()
    # Compose's ${NAME:-default}, with nothing set in .env: the defaults.
    env = {key: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value)) for key, value in web["environment"].items()}
    env.update(DATABASE_URL=_database_url(), REDIS_URL="redis://127.0.0.1:6379/15", SECRET_KEY="x" * 60,
               METRICS_TOKEN=TOKEN, MEDIA_ROOT=str(tmp_path), MUTUELLE_VAR_DIR=str(tmp_path),
               PATH=os.environ["PATH"], DJANGO_SETTINGS_MODULE="mutuelle.settings")
    assert env["SECURE"] == "true" and "web" in env["ALLOWED_HOSTS"].split(",")
    command = [arg.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for arg in web["command"]]
    command[0] = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or command[0]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # gunicorn boots Django in 3 workers on a shared, busy machine
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/metrics", Host="web:8000",
                                    Authorization=f"Bearer {TOKEN}")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read().decode()[-3000:]
                time.sleep(0.3)
        assert status == 200, body[:500]
        assert b"mutuelle_claim_files" in body and b"django_http_requests_latency_seconds_by_view_method" in body
        assert _get(f"http://127.0.0.1:{port}/metrics", Host="web:8000")[0] == 403
        # The compose healthcheck's own command passes too (plain HTTP, no redirect to HTTPS).
        probe = web["healthcheck"]["test"][1:]
        probe[-1] = probe[-1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        assert subprocess.run([sys.executable, *probe[1:]], capture_output=True, timeout=30).returncode == 0
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- error reporting --------------------------------------------------------------------------------------------


def _sentry_state(env: dict[str, str]) -> str:
    code = ("import django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
            "print(client.is_active(), client.options.get('send_default_pii'), client.options.get('environment'))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True,
                          env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mutuelle.settings",
                               "MUTUELLE_VAR_DIR": "/tmp/mutuelle-settings-test", "SECRET_KEY": "s" * 50,
                               **env}).stdout.strip()


def test_errors_go_to_sentry_only_when_a_dsn_is_set_and_without_personal_data():
    assert _sentry_state({}).startswith("False")
    dsn = {"SENTRY_DSN": "https://public@sentry.example.invalid/1", "SENTRY_ENVIRONMENT": "staging"}
    assert _sentry_state(dsn) == "True False staging"
