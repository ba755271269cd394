"""The reference data (rates, acts, rule parameters) as the engine's plain records, cached per process and rebuilt
only when its version stamp moves (an admin edit is in force at the next file).

Split from the loader (`claims.services.liquidation_loader`), which reads the beneficiaries' facts and files.
"""

from __future__ import annotations

import threading
import time

from django.db import connection

from claims.liquidation.reference import ActVersion, CategoryRates, ParameterSet, ReferenceData
from claims.models import ActVersion as ActVersionRow
from claims.models import CategoryRate, RuleParameters

# --- reference data, cached per process ------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cached: tuple[str, ReferenceData] | None = None


def reference_version_sql() -> str:
    """The version stamp of the reference tables as one SQL text expression. The per-file task reads it in its
    lock query (no statement of its own), so every task prices with the reference data in force.

    PostgreSQL: one row of `claims_reference_stamp`, which a trigger on the reference tables moves on every
    write (migration claims 0013): a primary-key read. Elsewhere: a fingerprint (counts and max history ids of
    the small reference tables; admin edits go through save(), which writes a history row)."""
    if connection.vendor == "postgresql":
        return "SELECT CAST(version AS TEXT) FROM claims_reference_stamp WHERE id = 1"
    parts = []
    for model in (CategoryRate, ActVersionRow, RuleParameters):
        table = connection.ops.quote_name(model._meta.db_table)
        history = connection.ops.quote_name(model.history.model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT COALESCE(MAX(history_id), 0) FROM {history})")
    return "SELECT " + " || ',' || ".join(f"CAST({part} AS TEXT)" for part in parts)


def _reference_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(reference_version_sql())
        return cursor.fetchone()[0]


def _reference_from_rows() -> ReferenceData:

    categories = [
        CategoryRates(code, start, public, private, complementary)
        for code, start, public, private, complementary in CategoryRate.objects.values_list(
            "category__code", "effective_from", "amo_rate_public", "amo_rate_private", "complementary_rate"
        )
    ]
    acts = [
        ActVersion(code, start, category, tnr, agreement, limit, group or None, ceiling)
        for code, start, category, tnr, agreement, limit, group, ceiling in ActVersionRow.objects.values_list(
            "act__code", "effective_from", "category__code", "tnr", "needs_prior_agreement", "frequency_limit",
            "ceiling_group", "ceiling_amount",
        )
    ]
    parameters = [
        ParameterSet(**row)
        for row in RuleParameters.objects.values(
            "effective_from", "late_filing_days", "frequency_window_days", "ceiling_window_days", "child_age_limit",
            "student_age_limit", "review_threshold",
        )
    ]
    return ReferenceData(categories=categories, acts=acts, parameters=parameters)


# How long a process trusts its cached reference data before checking the stamp again (callers without a stamp
# of their own: the bulk chunks and the estimate).
REFERENCE_CHECK_SECONDS = 1.0
_checked_at = 0.0


def reference_data(*, version: str | None = None) -> ReferenceData:
    """The reference data in the database, rebuilt only when its version stamp changed. Given the stamp (read by
    the caller's own query), no query unless it moved; otherwise the stamp (one query) is checked at most once
    per REFERENCE_CHECK_SECONDS: an admin edit is in force within a second."""
    global _cached, _checked_at
    cached = _cached
    if version is None:
        if cached is not None and time.monotonic() - _checked_at < REFERENCE_CHECK_SECONDS:
            return cached[1]
        version = _reference_version()
        _checked_at = time.monotonic()
    if cached is not None and cached[0] == version:
        return cached[1]
    with _cache_lock:
        reference = _reference_from_rows()
        _cached = (version, reference)
    return reference


def reference_cache_clear() -> None:
    global _cached
    _cached = None
