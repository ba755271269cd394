"""From database rows to the engine's plain records, set-based: a handful of queries for any number of files.

The per-file task, the bulk command and the estimate all build their inputs here, so the engine is fed the
same facts whichever path runs it. This module reads; it never writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from claims.liquidation.inputs import (
    AffiliationPeriod,
    BeneficiaryFacts,
    HistoryLine,
    LineInput,
    PriorAgreement,
    days_before,
)
from claims.liquidation.reference import ReferenceData
from claims.models import Act as ActRow
from claims.models import AgreementStatus, ClaimFile, ClaimLine, ClaimStatus
from claims.models import PriorAgreement as AgreementRow
from members.models import AffiliationPeriod as AffiliationRow
from members.models import Beneficiary, StudentPeriod

from .liquidation_reference import reference_version_sql

# Files whose accepted lines count as the beneficiary's history (docs/liquidation.md, "Inputs"): priced files,
# whatever their later payment state. A file in review is priced too: a resubmission must still be a duplicate.
HISTORY_STATUSES = ("liquidated", "in_review", "paid")


# --- one beneficiary's facts and pending files ---------------------------------------------------------------


@dataclass(slots=True)
class PendingFile:
    id: int
    tracking_code: str
    member_id: int
    beneficiary_id: int
    received_on: date
    sector: str
    created_at: datetime
    sister_mutual: bool
    line_ids: list[int] = field(default_factory=list)
    lines: list[LineInput] = field(default_factory=list)
    channel: str = "online"
    total_billed: Decimal = Decimal("0.00")

    @property
    def order_key(self) -> tuple:
        return (self.received_on, self.created_at, self.id)


@dataclass(slots=True)
class BeneficiaryContext:
    """Everything the engine needs about one beneficiary, and its files waiting for liquidation in order."""

    beneficiary_id: int
    member_id: int
    facts: BeneficiaryFacts
    affiliations: list[AffiliationPeriod] = field(default_factory=list)
    agreements: list[PriorAgreement] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    files: list[PendingFile] = field(default_factory=list)


def _facts(relation: str, birth_date: date, marriage_end: date | None, disabled_from: date | None,
           student_periods: Iterable[tuple[date, date]] = (), covered_from: date | None = None) -> BeneficiaryFacts:
    return BeneficiaryFacts(relation=relation, birth_date=birth_date, marriage_end=marriage_end,
                            student_periods=tuple(sorted(student_periods)), disabled_from=disabled_from,
                            covered_from=covered_from)


def beneficiaries_lock(*, beneficiary_ids: Iterable[int], skip_locked: bool = False) -> dict[int, BeneficiaryContext]:
    """Locks the beneficiaries' rows (FOR UPDATE) and returns their bare contexts. The beneficiary row is the
    mutex of liquidation: whoever holds it is the only one pricing that person's files. Call in a transaction."""

    rows = (
        Beneficiary.objects.select_for_update(skip_locked=skip_locked)
        .filter(pk__in=list(beneficiary_ids))
        .order_by("pk")
        .values_list("pk", "member_id", "relation", "birth_date", "marriage_end", "disabled_from", "covered_from")
    )
    return {
        pk: BeneficiaryContext(pk, member_id, _facts(relation, birth, marriage_end, disabled, covered_from=covered))
        for pk, member_id, relation, birth, marriage_end, disabled, covered in rows
    }


def beneficiaries_read(*, beneficiary_ids: Iterable[int]) -> dict[int, BeneficiaryContext]:
    """Same as `beneficiaries_lock` without the lock (the estimate reads, never prices for real)."""

    rows = Beneficiary.objects.filter(pk__in=list(beneficiary_ids)).values_list(
        "pk", "member_id", "relation", "birth_date", "marriage_end", "disabled_from", "covered_from"
    )
    return {
        pk: BeneficiaryContext(pk, member_id, _facts(relation, birth, marriage_end, disabled, covered_from=covered))
        for pk, member_id, relation, birth, marriage_end, disabled, covered in rows
    }


def pending_files_lock(contexts: dict[int, BeneficiaryContext]) -> list[PendingFile]:
    """The `received` files of these beneficiaries, locked, with their lines, each context's in its order."""

    if not contexts:
        return []
    rows = (
        ClaimFile.objects.select_for_update(of=("self",))
        .filter(beneficiary_id__in=list(contexts), status=ClaimStatus.RECEIVED)
        .order_by("beneficiary_id", "received_on", "created_at", "pk")
        .values_list("pk", "tracking_code", "member_id", "beneficiary_id", "received_on", "sector", "created_at",
                     "member__mutual__is_ours", "channel", "total_billed")
    )
    files = [
        PendingFile(pk, code, member_id, beneficiary_id, received_on, sector, created_at, not is_ours,
                    channel=channel, total_billed=total_billed)
        for pk, code, member_id, beneficiary_id, received_on, sector, created_at, is_ours, channel, total_billed
        in rows
    ]
    lines_of(files)
    for pending in files:
        contexts[pending.beneficiary_id].files.append(pending)
    return files


def lines_of(files: list[PendingFile]) -> None:

    by_id = {pending.id: pending for pending in files}
    if not by_id:
        return
    rows = (
        ClaimLine.objects.filter(claim_id__in=list(by_id))
        .order_by("claim_id", "position")
        .values_list("pk", "claim_id", "act_id", "care_date", "quantity", "billed_amount", "ald",
                     "prior_agreement_ref")
    )
    for pk, claim_id, act_code, care_date, quantity, billed, ald, agreement_ref in rows:
        pending = by_id[claim_id]
        pending.line_ids.append(pk)
        pending.lines.append(LineInput(act_code, care_date, quantity, billed, ald, agreement_ref or None))


def _needs_agreements(contexts: dict[int, BeneficiaryContext], reference: ReferenceData) -> bool:
    for context in contexts.values():
        for pending in context.files:
            for line in pending.lines:
                act = reference.act_on(line.act_code, line.care_date)
                if act is not None and act.needs_prior_agreement:
                    return True
    return False


def facts_complete(contexts: dict[int, BeneficiaryContext], reference: ReferenceData,
                   extra_care_dates: Iterable[date] = (), need_agreements: bool | None = None,
                   loaded: bool = False) -> None:
    """Adds affiliations, student periods, granted agreements and the history (at most 4 queries for any number
    of beneficiaries; student periods only for children, agreements only when a line's act needs one). With
    `loaded`, the contexts came from `beneficiary_of_claim_lock_full` (facts already there): the history only."""

    if not contexts:
        return
    ids = list(contexts)
    if loaded:
        _history_complete(contexts, reference, extra_care_dates)
        return
    by_member: dict[int, list[BeneficiaryContext]] = defaultdict(list)
    for context in contexts.values():
        by_member[context.member_id].append(context)

    for member_id, start, end, complementary in AffiliationRow.objects.filter(
        member_id__in=list(by_member)
    ).values_list("member_id", "start", "end", "complementary"):
        period = AffiliationPeriod(start, end, complementary)
        for context in by_member[member_id]:
            context.affiliations.append(period)

    students: dict[int, list[tuple[date, date]]] = defaultdict(list)
    children = [pk for pk, context in contexts.items() if context.facts.relation == "child"]
    if children:
        for beneficiary_id, start, end in StudentPeriod.objects.filter(beneficiary_id__in=children).values_list(
            "beneficiary_id", "start", "end"
        ):
            students[beneficiary_id].append((start, end))
        for beneficiary_id, periods in students.items():
            facts = contexts[beneficiary_id].facts
            contexts[beneficiary_id].facts = _facts(facts.relation, facts.birth_date, facts.marriage_end,
                                                    facts.disabled_from, periods, facts.covered_from)

    agreements: dict[int, tuple[int, date, date, set[str]]] = {}
    if need_agreements is None:
        need_agreements = _needs_agreements(contexts, reference)
    for agreement_id, beneficiary_id, valid_from, valid_to, act_code in AgreementRow.acts.through.objects.filter(
        prioragreement__beneficiary_id__in=ids, prioragreement__status=AgreementStatus.GRANTED
    ).values_list("prioragreement_id", "prioragreement__beneficiary_id", "prioragreement__valid_from",
                  "prioragreement__valid_to", "act__code") if need_agreements else ():
        agreements.setdefault(agreement_id, (beneficiary_id, valid_from, valid_to, set()))[3].add(act_code)
    for beneficiary_id, valid_from, valid_to, codes in agreements.values():
        contexts[beneficiary_id].agreements.append(PriorAgreement(frozenset(codes), valid_from, valid_to))
    _history_complete(contexts, reference, extra_care_dates)


def _history_complete(contexts: dict[int, BeneficiaryContext], reference: ReferenceData,
                      extra_care_dates: Iterable[date] = ()) -> None:
    ids = list(contexts)
    # Only history that can matter: same care date (DUPLICATE) or inside a window ending on a care date.
    care_dates = [line.care_date for c in contexts.values() for f in c.files for line in f.lines]
    care_dates.extend(extra_care_dates)
    if not care_dates:
        return
    window = max(max(p.frequency_window_days, p.ceiling_window_days) for p in reference.parameters)
    earliest, latest = days_before(min(care_dates), window), max(care_dates)
    for beneficiary_id, act_code, care_date, quantity, billed, amo in _history_fetch(ids, earliest, latest):
        contexts[beneficiary_id].history.append(HistoryLine(act_code, care_date, quantity, billed,
                                                            amo or Decimal("0.00")))


def history_rows(beneficiary_ids: list[int], earliest: date, latest: date):
    """The accepted lines of the beneficiaries' priced files with care between the two dates (a queryset of
    tuples; its plan is checked in tests/claims/test_query_plans.py and by `make bench`)."""
    return ClaimLine.objects.filter(
        claim__beneficiary_id__in=beneficiary_ids, claim__status__in=HISTORY_STATUSES, accepted=True,
        care_date__gte=earliest, care_date__lte=latest,
    ).order_by("claim__beneficiary_id", "care_date", "pk").values_list(
        "claim__beneficiary_id", "act_id", "care_date", "accepted_quantity", "billed_amount", "amo_amount"
    )


_HISTORY_SQL: dict[int, str] = {}  # history_rows' SQL by number of beneficiaries (the per-file task: 1)


def _history_fetch(beneficiary_ids: list[int], earliest: date, latest: date) -> list[tuple]:
    """The rows of `history_rows`, its SQL compiled by the ORM once per process for a few beneficiaries (the
    compilation cost ~1.5 ms of CPU per per-file task, more than the read). The compiled parameters are checked
    against the order used here; another order (a Django upgrade) just means no shortcut."""
    params = (earliest, latest, *beneficiary_ids, *HISTORY_STATUSES)
    sql = _HISTORY_SQL.get(len(beneficiary_ids))
    if sql is None:
        queryset = history_rows(beneficiary_ids, earliest, latest)
        if len(beneficiary_ids) > 8:  # a bulk chunk: compiled once for thousands of files
            return list(queryset)
        sql, compiled = queryset.query.sql_with_params()
        if tuple(compiled) != params:
            return list(queryset)
        _HISTORY_SQL[len(beneficiary_ids)] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def beneficiary_of_claim_lock(*, claim_id: int) -> dict[int, BeneficiaryContext]:
    """Locks the beneficiary of file `claim_id` (one query, waiting while another worker holds it)."""
    rows = (
        Beneficiary.objects.select_for_update(of=("self",))
        .filter(claim_files__pk=claim_id)
        .values_list("pk", "member_id", "relation", "birth_date", "marriage_end", "disabled_from", "covered_from")
    )
    return {
        pk: BeneficiaryContext(pk, member_id, _facts(relation, birth, marriage_end, disabled, covered_from=covered))
        for pk, member_id, relation, birth, marriage_end, disabled, covered in rows
    }


def beneficiary_of_claim_lock_stamped(*, claim_id: int) -> tuple[dict[int, BeneficiaryContext], str | None]:
    """`beneficiary_of_claim_lock` that also reads the reference data's version stamp in the same query."""
    from django.db.models.expressions import RawSQL

    rows = (
        Beneficiary.objects.select_for_update(of=("self",))
        .filter(claim_files__pk=claim_id)
        .annotate(reference_version=RawSQL(f"({reference_version_sql()})", []))
        .values_list("pk", "member_id", "relation", "birth_date", "marriage_end", "disabled_from", "covered_from",
                     "reference_version")
    )
    contexts: dict[int, BeneficiaryContext] = {}
    stamp = None
    for pk, member_id, relation, birth, marriage_end, disabled, covered, version in rows:
        contexts[pk] = BeneficiaryContext(pk, member_id, _facts(relation, birth, marriage_end, disabled,
                                                                covered_from=covered))
        stamp = version
    return contexts, stamp


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def beneficiary_of_claim_lock_full(*, claim_id: int) -> tuple[dict[int, BeneficiaryContext], str | None]:
    """The per-file task's first statement (PostgreSQL): locks the beneficiary of file `claim_id` and reads, in
    the same query, the reference data's version stamp and every fact the engine needs about that person: the
    member's affiliations, the beneficiary's student periods and granted prior agreements (one small indexed
    sub-select each, aggregated as JSON). Whatever the relation and the acts, one statement instead of four."""
    q = connection.ops.quote_name
    beneficiary, claim_file = q(Beneficiary._meta.db_table), q(ClaimFile._meta.db_table)
    affiliation, student = q(AffiliationRow._meta.db_table), q(StudentPeriod._meta.db_table)
    agreement, agreement_acts = q(AgreementRow._meta.db_table), q(AgreementRow.acts.through._meta.db_table)
    act_table = q(ActRow._meta.db_table)
    sql = f"""
        SELECT b.id, b.member_id, b.relation, b.birth_date, b.marriage_end, b.disabled_from, b.covered_from,
               ({reference_version_sql()}) AS reference_version,
               (SELECT json_agg(json_build_array(a.start, a."end", a.complementary) ORDER BY a.start, a.id)
                  FROM {affiliation} a WHERE a.member_id = b.member_id),
               (SELECT json_agg(json_build_array(s.start, s."end"))
                  FROM {student} s WHERE s.beneficiary_id = b.id),
               (SELECT json_agg(json_build_array(p.valid_from, p.valid_to,
                                                 (SELECT json_agg(act.code) FROM {agreement_acts} t
                                                    JOIN {act_table} act ON act.id = t.act_id
                                                   WHERE t.prioragreement_id = p.id)) ORDER BY p.id)
                  FROM {agreement} p WHERE p.beneficiary_id = b.id AND p.status = %s)
          FROM {beneficiary} b JOIN {claim_file} f ON f.beneficiary_id = b.id
         WHERE f.id = %s
           FOR UPDATE OF b"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [AgreementStatus.GRANTED.value, claim_id])
        rows = cursor.fetchall()
    contexts: dict[int, BeneficiaryContext] = {}
    stamp = None
    for (pk, member_id, relation, birth, marriage_end, disabled, covered, version, affiliations, students,
         agreements) in rows:
        periods = [(_day(start), _day(end)) for start, end in students or ()] if relation == "child" else []
        context = BeneficiaryContext(pk, member_id, _facts(relation, birth, marriage_end, disabled, periods,
                                                           covered))
        context.affiliations = [AffiliationPeriod(_day(start), _day(end), complementary)
                                for start, end, complementary in affiliations or ()]
        context.agreements = [PriorAgreement(frozenset(codes or ()), _day(start), _day(end))
                              for start, end, codes in agreements or ()]
        contexts[pk] = context
        stamp = version
    return contexts, stamp


def pending_files_with_lines_lock(contexts: dict[int, BeneficiaryContext]) -> list[PendingFile]:
    """`pending_files_lock` in one statement: the files (locked) joined with their lines."""
    if not contexts:
        return []
    q = connection.ops.quote_name
    from members.models import Member, Mutual

    sql = f"""
        SELECT f.id, f.tracking_code, f.member_id, f.beneficiary_id, f.received_on, f.sector, f.created_at,
               mu.is_ours, f.channel, f.total_billed,
               l.id, l.act_code, l.care_date, l.quantity, l.billed_amount, l.ald, l.prior_agreement_ref
          FROM {q(ClaimFile._meta.db_table)} f
          JOIN {q(Member._meta.db_table)} m ON m.id = f.member_id
          JOIN {q(Mutual._meta.db_table)} mu ON mu.id = m.mutual_id
          LEFT JOIN {q(ClaimLine._meta.db_table)} l ON l.claim_id = f.id
         WHERE f.beneficiary_id = ANY(%s) AND f.status = %s
         ORDER BY f.beneficiary_id, f.received_on, f.created_at, f.id, l.position
           FOR UPDATE OF f"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(contexts), ClaimStatus.RECEIVED.value])
        rows = cursor.fetchall()
    files: list[PendingFile] = []
    current: PendingFile | None = None
    for (pk, code, member_id, beneficiary_id, received_on, sector, created_at, is_ours, channel, total_billed,
         line_id, act_code, care_date, quantity, billed, ald, agreement_ref) in rows:
        if current is None or current.id != pk:
            current = PendingFile(pk, code, member_id, beneficiary_id, received_on, sector, created_at, not is_ours,
                                  channel=channel, total_billed=total_billed)
            files.append(current)
            contexts[beneficiary_id].files.append(current)
        if line_id is not None:
            current.line_ids.append(line_id)
            current.lines.append(LineInput(act_code, care_date, quantity, billed, ald, agreement_ref or None))
    return files
