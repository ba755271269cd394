"""One lock order for every write on claim files: the beneficiary's row first, then that beneficiary's files,
each with `select_for_update(of=("self",))` so a join never locks a member's or the mutual's row.

The liquidation worker takes the same order (claims.services.liquidation_loader), so an intake write and a worker can
wait for each other but never deadlock; two intake writes of one beneficiary queue on its row. A deadlock
with a path this module does not cover is still possible in principle: `retry_on_deadlock` runs the whole
transaction again a few times instead of answering 500."""

import functools
import logging
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection

from members.models import Beneficiary

from ..models import ClaimFile

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
RETRYABLE = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
RETRIES = 4


def beneficiary_lock(beneficiary_id: int) -> None:
    """Takes the beneficiary's row lock (the mutex of its files). Call inside a transaction."""
    list(Beneficiary.objects.select_for_update(of=("self",)).filter(pk=beneficiary_id).values_list("pk"))


def claim_lock(claim_id: int) -> ClaimFile:
    """Locks the file's beneficiary, then the file itself; returns the file with its member, mutual and
    beneficiary loaded (not locked). Call inside a transaction."""
    beneficiary_id = ClaimFile.objects.filter(pk=claim_id).values_list("beneficiary_id", flat=True).get()
    beneficiary_lock(beneficiary_id)
    return (ClaimFile.objects.select_for_update(of=("self",)).select_related("member__mutual", "beneficiary")
            .get(pk=claim_id))


def _retryable(error: OperationalError) -> bool:
    return getattr(error.__cause__, "pgcode", None) in RETRYABLE


def retry_on_deadlock(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` (which opens its own transaction) again when PostgreSQL chose it as a deadlock victim.
    Inside an outer transaction nothing can be retried here: the error goes up to whoever owns it."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, RETRIES + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                if not _retryable(error) or attempt == RETRIES or connection.in_atomic_block:
                    raise
                logger.warning("%s: deadlock, attempt %d of %d", function.__name__, attempt, RETRIES)
                time.sleep(0.02 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper
