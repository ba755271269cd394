"""The writes of a priced set of files, set-based, shared by the per-file task and the bulk chunks.

Whatever the number of files and lines: one UPDATE of the files (totals, outcome status and control reason,
only where the file is still `received`), one UPDATE of the lines, one INSERT of the history rows (received ->
liquidating -> outcome, the moves claim_set_status would record, checked against the same transition table;
the members' notification-centre entries written by the same statement) and, for the per-file path, one INSERT
of the members' e-mail/SMS notifications into the outbox, published after commit.
No savepoint: the caller's transaction is the unit (a failure rolls everything back)."""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quoted  # json.dumps's own quoting of a str (C)

from django.db import connection, transaction
from django.utils import timezone

from claims.liquidation import ClaimResult
from claims.models import ClaimFile, ClaimLine, ClaimStatus, StatusChange
from claims.services.liquidation_loader import PendingFile
from claims.status import NOTIFIED_STATUSES, can_move
from notices.services import claim_status_notices_create, claim_status_notices_sql

CONTROL_SAMPLE = "Documents check: drawn in the control sample; a liquidator checks the documents before payment."
CONTROL_AMOUNT = "Documents check: online file above the amount threshold; a liquidator checks the documents."


@dataclass(slots=True)
class Priced:
    """One file's outcome: the engine's result, or why the file could not be priced (`error`)."""

    file: PendingFile
    result: ClaimResult | None
    error: str = ""
    control: str = ""  # "sample" / "amount": a liquidator checks the documents before payment

    @property
    def status(self) -> str:
        if self.result is None or self.control:
            return ClaimStatus.IN_REVIEW
        return self.result.status

    @property
    def control_reason(self) -> str:
        if self.result is None:
            return "failure"
        return self.control or ("threshold" if self.result.status == ClaimStatus.IN_REVIEW else "")


# Below this many rows a write is one parameterized statement (the rows as a VALUES list of placeholders, quoted
# by psycopg2); above it, the rows go through COPY into a temporary table (a bulk chunk of thousands of rows).
SMALL = 500


def rows_execute(sql: str, rows: list[tuple], columns: str, params: dict | None = None, *,
                 fetch: bool = False, ctes: str = "") -> list[tuple]:
    """Runs `sql`, which reads `rows` as the relation `v` (`columns`: "id bigint, status text, ..."). Nothing is
    built by hand: small sets are bound parameters of a `WITH v AS (VALUES ...)` (one statement: the per-file
    task); large ones are loaded with COPY through psycopg2's `copy_expert` (csv-module quoting) into a temporary
    table `v`, faster than a VALUES list or `execute_values` on thousands of rows. Other parameters are named
    (`%(now)s`) in `params`. `ctes` ("a AS (...), b AS (...)") are more WITH queries before `sql`."""
    if len(rows) <= SMALL:
        names, types = zip(*(column.split() for column in columns.split(",")), strict=True)
        bound: dict = {}
        tuples = []
        for i, row in enumerate(rows):
            cells = []
            for j, value in enumerate(row):
                bound[f"v{i}_{j}"] = value
                cells.append(f"%(v{i}_{j})s::{types[j]}" if i == 0 else f"%(v{i}_{j})s")
            tuples.append("(" + ", ".join(cells) + ")")
        with connection.cursor() as cursor:
            more = f", {ctes}" if ctes else ""
            cursor.execute(f"WITH v ({', '.join(names)}) AS (VALUES {', '.join(tuples)}){more} {sql}",
                           {**bound, **(params or {})})
            return cursor.fetchall() if fetch else []
    out = io.StringIO()
    csv.writer(out).writerows([r"\N" if value is None else value for value in row] for row in rows)
    out.seek(0)
    return copy_execute(sql, out, columns, params, fetch=fetch, ctes=ctes, csv_format=True)


def copy_execute(sql: str, data: io.StringIO, columns: str, params: dict | None = None, *, fetch: bool = False,
                 ctes: str = "", csv_format: bool = False) -> list[tuple]:
    """`rows_execute`'s large path: `data` (COPY's text format, or csv) loaded into the temporary table `v`."""
    copy = r"COPY v FROM STDIN WITH (FORMAT csv, NULL '\N')" if csv_format else "COPY v FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor, under Django's wrapper
        raw.execute(f"DROP TABLE IF EXISTS v; CREATE TEMPORARY TABLE v ({columns})")
        raw.copy_expert(copy, data)
        raw.execute(f"WITH {ctes} {sql}" if ctes else sql, params or {})
        result = raw.fetchall() if fetch else []
        raw.execute("DROP TABLE v")
    return result


def _copy_text(value: str) -> str:
    """A JSON text as a field of COPY's text format: only a backslash needs escaping (JSON escapes tabs and line
    breaks itself, with a backslash)."""
    return value.replace("\\", "\\\\") if "\\" in value else value


_reasons_texts: dict[tuple[str, ...], str] = {}


def reasons_json(reasons: tuple[str, ...]) -> str:
    """`json.dumps(list(reasons))`, remembered: a handful of combinations of reason codes."""
    text = _reasons_texts.get(reasons)
    if text is None:
        text = json.dumps(list(reasons))
        if len(_reasons_texts) < 1000:
            _reasons_texts[reasons] = text
    return text


def explanation_json(steps: tuple) -> str:
    """`json.dumps([step.as_json() for step in steps])`, the same text, without the dict copies and the encoder
    set up per call (a third of the cost of a bulk chunk's line rows)."""
    return "[" + ", ".join(
        '{"code": ' + _quoted(step.code) + ', "params": {'
        + ", ".join(_quoted(name) + ": " + _quoted(value) for name, value in step.params.items()) + "}}"
        for step in steps
    ) + "]"


LINES_UPDATE = (
    f"UPDATE {ClaimLine._meta.db_table} AS l SET accepted = v.accepted, accepted_quantity = v.q, "
    "accepted_billed_amount = v.billed, base_amount = v.base, amo_amount = v.amo, "
    "complementary_amount = v.comp, reason_codes = v.reasons, explanation = v.why FROM v WHERE l.id = v.id"
)
LINES_COLUMNS = ("id bigint, accepted boolean, q integer, billed numeric, base numeric, amo numeric, comp numeric, "
                 "reasons jsonb, why jsonb")


def _lines_copy(priced: list[Priced]) -> int:
    """`lines_write` for a bulk chunk (PostgreSQL, many lines): each line's row written straight as a line of
    COPY's text format (the csv module quoted every double quote of the explanation's JSON, char by char)."""
    out: list[str] = []
    for item in priced:
        if item.result is None:
            continue
        for line_id, r in zip(item.file.line_ids, item.result.lines, strict=False):
            out.append("\t".join((str(line_id), "t" if r.accepted else "f", str(r.accepted_quantity),
                                   str(r.accepted_billed_amount), str(r.base), str(r.amo_amount),
                                   str(r.complementary_amount), _copy_text(reasons_json(r.reasons)),
                                   _copy_text(explanation_json(r.explanation)))))
    if out:
        copy_execute(LINES_UPDATE, io.StringIO("\n".join(out) + "\n"), LINES_COLUMNS)
    return len(out)


def lines_write(priced: list[Priced]) -> int:
    """Writes every line's result in one statement (UPDATE ... FROM the rows, on PostgreSQL)."""
    if connection.vendor == "postgresql" and sum(len(item.file.line_ids) for item in priced) > SMALL:
        return _lines_copy(priced)
    rows = []
    for item in priced:
        if item.result is None:
            continue
        for line_id, r in zip(item.file.line_ids, item.result.lines, strict=False):
            rows.append((line_id, r.accepted, r.accepted_quantity, r.accepted_billed_amount, r.base, r.amo_amount,
                         r.complementary_amount, reasons_json(r.reasons), explanation_json(r.explanation)))
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        rows_execute(LINES_UPDATE, rows, LINES_COLUMNS)
        return len(rows)
    lines = [ClaimLine(pk=row[0], accepted=row[1], accepted_quantity=row[2], accepted_billed_amount=row[3],
                       base_amount=row[4], amo_amount=row[5], complementary_amount=row[6],
                       reason_codes=json.loads(row[7]), explanation=json.loads(row[8])) for row in rows]
    ClaimLine.objects.bulk_update(lines, ["accepted", "accepted_quantity", "accepted_billed_amount", "base_amount",
                                          "amo_amount", "complementary_amount", "reason_codes", "explanation"])
    return len(rows)


def claims_write(priced: list[Priced], *, expected_status: str, set_status: bool, control: bool = False) -> list[int]:
    """Writes totals (and, with `set_status`, the new status; with `control`, the control reason where there is
    one) of files still in `expected_status`, in one statement. Returns the ids written: a file someone else
    moved meanwhile is left alone."""
    if not priced:
        return []
    now = timezone.now()
    zero = Decimal("0.00")
    rows = []
    for item in priced:
        r = item.result
        totals = (r.total_base, r.total_amo, r.total_complementary, r.total_reimbursed) if r else (zero,) * 4
        rows.append((item.file.id, item.status, *totals, item.control_reason))
    status_sql = "status = v.status, " if set_status else ""
    if control:
        status_sql += "control_reason = CASE WHEN v.control = '' THEN c.control_reason ELSE v.control END, "
    if connection.vendor == "postgresql":
        written_rows = rows_execute(
            f"UPDATE {ClaimFile._meta.db_table} AS c SET {status_sql}total_base = v.base, total_amo = v.amo, "
            "total_complementary = v.comp, total_reimbursed = v.reimbursed, liquidated_at = %(now)s, "
            "lease_until = NULL, liquidation_attempts = c.liquidation_attempts + 1, updated_at = %(now)s "
            "FROM v WHERE c.id = v.id AND c.status = %(expected)s RETURNING c.id",
            rows, "id bigint, status text, base numeric, amo numeric, comp numeric, reimbursed numeric, control text",
            {"now": now, "expected": expected_status}, fetch=True,
        )
        return [row[0] for row in written_rows]
    written = []
    for pk, status, base, amo, comp, reimbursed, reason in rows:
        fields = {"total_base": base, "total_amo": amo, "total_complementary": comp, "total_reimbursed": reimbursed,
                  "liquidated_at": now, "lease_until": None, "updated_at": now}
        if control and reason:
            fields["control_reason"] = reason
        if set_status:
            fields["status"] = status
        if ClaimFile.objects.filter(pk=pk, status=expected_status).update(**fields):
            written.append(pk)
    return written


def outcome_reason(item: Priced) -> str:
    """Why the file went where it went, as the history row says it."""
    return item.error or {"sample": CONTROL_SAMPLE, "amount": CONTROL_AMOUNT}.get(item.control, "")


def outcome_code(item: Priced) -> str:
    """The stored code of that reason (members read it in their language)."""
    if item.error:
        return "PRICING_FAILED"
    return {"sample": "CONTROL_SAMPLE", "amount": "CONTROL_AMOUNT"}.get(item.control or "", "")


def status_changes_write(priced: list[Priced]) -> list[tuple[int, int, str]]:
    """Two history rows per file, as claim_set_status would write them. Returns (change id, file id, status)
    of the outcome rows."""
    for item in priced:
        if not can_move(ClaimStatus.RECEIVED, ClaimStatus.LIQUIDATING) or not can_move(ClaimStatus.LIQUIDATING,
                                                                                        item.status):
            raise AssertionError(f"liquidation cannot move a file to {item.status}")
    if not priced:
        return []
    now = timezone.now()
    if connection.vendor != "postgresql":
        changes = StatusChange.objects.bulk_create([
            change for item in priced for change in (
                StatusChange(claim_id=item.file.id, from_status=ClaimStatus.RECEIVED,
                             to_status=ClaimStatus.LIQUIDATING, changed_at=now),
                StatusChange(claim_id=item.file.id, from_status=ClaimStatus.LIQUIDATING, to_status=item.status,
                             changed_at=now, reason=outcome_reason(item), reason_code=outcome_code(item)))
        ])
        claim_status_notices_create([(item.file.id, item.file.member_id, item.file.tracking_code, item.status)
                                     for item in priced], statuses=NOTIFIED_STATUSES)
        return [(c.pk, c.claim_id, c.to_status) for c in changes if c.from_status == ClaimStatus.LIQUIDATING]
    rows = []
    for item in priced:
        rows.append((item.file.id, 1, ClaimStatus.RECEIVED.value, ClaimStatus.LIQUIDATING.value, "", ""))
        rows.append((item.file.id, 2, ClaimStatus.LIQUIDATING.value, str(item.status), outcome_reason(item),
                     outcome_code(item)))
    # Both rows share changed_at, and a file's history is read in (changed_at, id) order: `step` makes the ids
    # follow the moves (ORDER BY claim_id alone let the outcome row take the smaller id, history read backwards).
    # The members' notification centre (per-file and bulk alike) is written by the same statement: the outcome
    # rows feed notices' INSERT as a data-modifying CTE (notices.services; e-mail/SMS only with `notify`).
    notices_sql, notices_params = claim_status_notices_sql(source="sc", statuses=NOTIFIED_STATUSES,
                                                           where="sc.from_status = 'liquidating'")
    written = rows_execute(
        "SELECT id, claim_id, from_status, to_status FROM sc",
        rows, "claim_id bigint, step integer, from_status text, to_status text, reason text, code text",
        {"now": now, **notices_params},
        fetch=True,
        ctes=f"sc AS (INSERT INTO {StatusChange._meta.db_table} (claim_id, from_status, to_status, reason, "
             "changed_at, reason_code, reason_params) "
             "SELECT v.claim_id, v.from_status, v.to_status, v.reason, %(now)s, v.code, '{}'::jsonb FROM v "
             f"ORDER BY v.claim_id, v.step RETURNING id, claim_id, from_status, to_status), n AS ({notices_sql})",
    )
    return [(pk, claim_id, to) for pk, claim_id, frm, to in written if frm == ClaimStatus.LIQUIDATING]


def notifications_enqueue(changes: list[tuple[int, int, str]]) -> None:
    """The members hear about their files' new status: one outbox row per notified change, all in one INSERT of
    the caller's transaction, published after commit (outbox.services)."""
    from claims.status import NOTIFIED_STATUSES
    from outbox.services import outbox_enqueue_many

    notified = [[change_id] for change_id, _, status in changes if status in NOTIFIED_STATUSES]
    if notified:
        outbox_enqueue_many(task="claims.tasks.notify_claim_status", args_list=notified)


def priced_write(priced: list[Priced], *, notify: bool) -> tuple[list[Priced], int]:
    """Writes the outcome of every file still `received` (one with another status was moved by someone else
    meanwhile and is left alone). Returns the files written and the number of lines written."""
    if not priced:
        return [], 0
    assert transaction.get_connection().in_atomic_block, "priced_write runs inside the pricing transaction"
    written = set(claims_write(priced, expected_status=ClaimStatus.RECEIVED, set_status=True, control=True))
    kept = [item for item in priced if item.file.id in written]
    lines = lines_write(kept)
    changes = status_changes_write(kept)
    if notify:
        notifications_enqueue(changes)
    return kept, lines


def _values(name: str, columns: str, rows: list[tuple], bound: dict) -> str:
    """`name (c1, c2, ...) AS (VALUES (...), ...)` with every value a bound parameter (first row typed)."""
    names, types = zip(*(column.split() for column in columns.split(",")), strict=True)
    tuples = []
    for i, row in enumerate(rows):
        cells = []
        for j, value in enumerate(row):
            key = f"{name}{i}_{j}"
            bound[key] = value
            cells.append(f"%({key})s::{types[j]}" if i == 0 else f"%({key})s")
        tuples.append("(" + ", ".join(cells) + ")")
    return f"{name} ({', '.join(names)}) AS (VALUES {', '.join(tuples)})"


NOTIFY_TASK = "claims.tasks.notify_claim_status"


def priced_write_one_statement(priced: list[Priced]) -> tuple[list[Priced], int]:
    """`priced_write(priced, notify=True)` in ONE statement (PostgreSQL, the per-file task's few rows): the
    files' UPDATE (only those still `received`), the lines' UPDATE, the history INSERT, the notification-centre
    INSERT and the outbox INSERT are data-modifying CTEs of one query; the lines and history are written only
    for the files the first UPDATE took (RETURNING). The outbox rows are published after commit as
    `outbox_enqueue_many` does. Same rows as the four statements of `priced_write`."""
    from outbox.models import OutboxMessage
    from outbox.services import outbox_publish_after_commit

    assert transaction.get_connection().in_atomic_block, "priced_write runs inside the pricing transaction"
    for item in priced:
        if not can_move(ClaimStatus.RECEIVED, ClaimStatus.LIQUIDATING) or not can_move(ClaimStatus.LIQUIDATING,
                                                                                        item.status):
            raise AssertionError(f"liquidation cannot move a file to {item.status}")
    now = timezone.now()
    zero = Decimal("0.00")
    files, lines, changes = [], [], []
    for item in priced:
        r = item.result
        totals = (r.total_base, r.total_amo, r.total_complementary, r.total_reimbursed) if r else (zero,) * 4
        files.append((item.file.id, item.status, *totals, item.control_reason))
        changes.append((item.file.id, 1, ClaimStatus.RECEIVED.value, ClaimStatus.LIQUIDATING.value, "", ""))
        changes.append((item.file.id, 2, ClaimStatus.LIQUIDATING.value, str(item.status), outcome_reason(item),
                        outcome_code(item)))
        if r is not None:
            for line_id, x in zip(item.file.line_ids, r.lines, strict=False):
                lines.append((line_id, item.file.id, x.accepted, x.accepted_quantity, x.accepted_billed_amount,
                              x.base, x.amo_amount, x.complementary_amount, json.dumps(list(x.reasons)),
                              json.dumps([s.as_json() for s in x.explanation])))
    bound: dict = {}
    ctes = [
        _values("vf", "id bigint, status text, base numeric, amo numeric, comp numeric, reimbursed numeric, "
                      "control text", files, bound),
        _values("vc", "claim_id bigint, step integer, from_status text, to_status text, reason text, code text",
                changes, bound),
        f"f AS (UPDATE {ClaimFile._meta.db_table} AS c SET status = vf.status, "
        "control_reason = CASE WHEN vf.control = '' THEN c.control_reason ELSE vf.control END, "
        "total_base = vf.base, total_amo = vf.amo, total_complementary = vf.comp, total_reimbursed = vf.reimbursed, "
        "liquidated_at = %(now)s, lease_until = NULL, liquidation_attempts = c.liquidation_attempts + 1, "
        "updated_at = %(now)s FROM vf WHERE c.id = vf.id AND c.status = %(expected)s RETURNING c.id)",
    ]
    if lines:
        ctes.insert(1, _values("vl", "id bigint, claim_id bigint, accepted boolean, q integer, billed numeric, "
                                     "base numeric, amo numeric, comp numeric, reasons jsonb, why jsonb", lines, bound))
        ctes.append(
            f"l AS (UPDATE {ClaimLine._meta.db_table} AS cl SET accepted = vl.accepted, accepted_quantity = vl.q, "
            "accepted_billed_amount = vl.billed, base_amount = vl.base, amo_amount = vl.amo, "
            "complementary_amount = vl.comp, reason_codes = vl.reasons, explanation = vl.why "
            "FROM vl WHERE cl.id = vl.id AND vl.claim_id IN (SELECT id FROM f) RETURNING cl.id)")
    notices_sql, notices_params = claim_status_notices_sql(source="sc", statuses=NOTIFIED_STATUSES,
                                                           where="sc.from_status = 'liquidating'")
    ctes += [
        f"sc AS (INSERT INTO {StatusChange._meta.db_table} (claim_id, from_status, to_status, reason, changed_at, "
        "reason_code, reason_params) SELECT vc.claim_id, vc.from_status, vc.to_status, vc.reason, %(now)s, "
        "vc.code, '{}'::jsonb FROM vc WHERE vc.claim_id IN (SELECT id FROM f) ORDER BY vc.claim_id, vc.step "
        "RETURNING id, claim_id, from_status, to_status)",
        f"n AS ({notices_sql})",
        f"o AS (INSERT INTO {OutboxMessage._meta.db_table} (task, args, kwargs, created_at, attempts, last_error) "
        "SELECT %(task)s, jsonb_build_array(sc.id), '{}'::jsonb, %(now)s, 0, '' FROM sc "
        "WHERE sc.from_status = 'liquidating' AND sc.to_status = ANY(%(notified)s) ORDER BY sc.id "
        "RETURNING id, args)",
    ]
    sql = ("WITH " + ", ".join(ctes) + " SELECT 'f', f.id, NULL::text FROM f"
           + (" UNION ALL SELECT 'l', l.id, NULL FROM l" if lines else "")
           + " UNION ALL SELECT 'o', o.id, o.args::text FROM o")
    with connection.cursor() as cursor:
        cursor.execute(sql, {**bound, **notices_params, "now": now, "expected": ClaimStatus.RECEIVED.value,
                             "task": NOTIFY_TASK, "notified": sorted(str(s) for s in NOTIFIED_STATUSES)})
        rows = cursor.fetchall()
    written = {pk for kind, pk, _ in rows if kind == "f"}
    lines_written = sum(1 for kind, _, _ in rows if kind == "l")
    messages = [OutboxMessage(pk=pk, task=NOTIFY_TASK, args=json.loads(args), kwargs={}, attempts=0)
                for kind, pk, args in rows if kind == "o"]
    outbox_publish_after_commit(messages)
    return [item for item in priced if item.file.id in written], lines_written
