"""`GET /metrics`: Prometheus metrics. Request latency, responses by status and exceptions come from django-prometheus'
middleware; the figures an operator watches (backlog, oldest waiting file, files in review by reason, queue depths)
are read at each scrape by the collector below. See docs/operations.md ("Metrics and what to watch").

Access: with METRICS_TOKEN set, only `Authorization: Bearer <token>`; without it, only the host itself (loopback).
"""

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

import prometheus_client
import redis
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

QUEUES = ("liquidation", "notifications", "periodic", "default")


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _queue_depths() -> tuple[dict[str, int], int] | None:
    """Messages waiting per queue and held unacknowledged by workers, or None when the broker does not answer
    (or tasks run in-process). Redis' kombu transport keeps each queue as a list and the unacked ones in a hash."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return None
    try:
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
        with broker.pipeline(transaction=False) as pipe:
            for queue in QUEUES:
                pipe.llen(queue)
            pipe.hlen("unacked")
            *lengths, unacked = pipe.execute()
        return dict(zip(QUEUES, lengths, strict=True)), unacked
    except redis.RedisError as error:
        logger.warning("metrics: the broker did not answer (%s)", type(error).__name__)
        return None


class OperationsCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from claims.monitoring import IN_REVIEW_REASONS, claim_figures

        try:
            figures = claim_figures()
        except DatabaseError as error:
            logger.warning("metrics: the database did not answer (%s)", type(error).__name__)
            yield GaugeMetricFamily("mutuelle_database_up", "1 when the database answered this scrape.", value=0)
            return
        yield GaugeMetricFamily("mutuelle_database_up", "1 when the database answered this scrape.", value=1)
        files = GaugeMetricFamily("mutuelle_claim_files", "Sickness-claim files per status.", labels=["status"])
        for status, count in figures.per_status.items():
            files.add_metric([status], count)
        yield files
        yield GaugeMetricFamily("mutuelle_oldest_received_age_seconds",
                                "Seconds since the oldest file still received became received (0 when none).",
                                value=figures.oldest_received_age_seconds)
        review = GaugeMetricFamily("mutuelle_in_review_files", "Files waiting for a liquidator, by why they wait.",
                                   labels=["reason"])
        for reason in IN_REVIEW_REASONS:
            review.add_metric([reason], figures.in_review[reason])
        yield review
        yield GaugeMetricFamily("mutuelle_payable_files_without_iban",
                                "Liquidated files waiting for payment because the member has no valid IBAN.",
                                value=figures.payable_without_iban)

        depths = _queue_depths()
        yield GaugeMetricFamily("mutuelle_broker_up", "1 when the Celery broker answered this scrape.",
                                value=0 if depths is None else 1)
        if depths is not None:
            lengths, unacked = depths
            queued = GaugeMetricFamily("mutuelle_queue_messages", "Messages waiting in a Celery queue.",
                                       labels=["queue"])
            for queue, length in lengths.items():
                queued.add_metric([queue], length)
            yield queued
            yield GaugeMetricFamily("mutuelle_queue_unacked_messages",
                                    "Messages taken by workers and not acknowledged yet.", value=unacked)


_operations = prometheus_client.CollectorRegistry(auto_describe=False)
_operations.register(OperationsCollector())


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden: /metrics needs the metrics token.\n", status=403, content_type="text/plain")
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:  # gunicorn workers write their counters to files: add them up
        http = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(http)
    else:
        http = prometheus_client.REGISTRY
    body = prometheus_client.generate_latest(http) + prometheus_client.generate_latest(_operations)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
