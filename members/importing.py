"""Loading members from an administration's payroll export (CSV; format in README, "Importing members").

All or nothing: every row is checked first, and one bad row means nothing is written. Re-importing the same
file writes nothing: a row equal to what is stored is skipped, so no history row appears either."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from mutuelle.history import history_stamp
from units.models import ServiceUnit

from .identifiers import (
    moroccan_iban_from_rib,
    normalize_cin,
    normalize_iban,
    validate_cin,
    validate_membership_number,
    validate_moroccan_iban,
)
from .models import AffiliationPeriod, AffiliationStatus, Beneficiary, Member, Mutual, Relation, Sex

REQUIRED = ["membership_number", "cin", "last_name", "first_name", "birth_date", "sex", "affiliation_start"]
OPTIONAL = ["first_name_ar", "last_name_ar", "employer", "grade", "phone", "email", "address", "iban", "mutual",
            "home_unit", "affiliation_end", "affiliation_status", "complementary"]
MEMBER_FIELDS = ["mutual_id", "cin", "first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "sex",
                 "employer", "grade", "phone", "email", "address", "iban", "home_unit_id"]
YES = {"yes", "y", "oui", "o", "1", "true", "نعم"}
NO = {"no", "n", "non", "0", "false", "لا"}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: list[int] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    member: dict
    affiliation: dict


def _date(value: str, what: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"bad {what} {value!r} (expected YYYY-MM-DD or DD/MM/YYYY)")


def _iban(value: str) -> str:
    compact = normalize_iban(value)
    if not compact:
        return ""
    if compact.isdigit() and len(compact) == 24:  # a bare RIB, as many payroll exports give it
        compact = moroccan_iban_from_rib(compact)
    try:
        validate_moroccan_iban(compact)
    except ValidationError:
        raise ValueError(f"bad IBAN {value!r} (a Moroccan IBAN MA + 26 digits, or a 24-digit RIB)") from None
    return compact


def _parse(line: int, raw: dict[str, str], mutuals: dict[str, Mutual], units: dict[str, ServiceUnit]) -> _Row:
    value = {key: (raw.get(key) or "").strip() for key in REQUIRED + OPTIONAL}
    missing = [key for key in REQUIRED if not value[key]]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    number = value["membership_number"]
    try:
        validate_membership_number(number)
    except ValidationError:
        raise ValueError(f"bad membership number {number!r} (10 digits with a valid check digit)") from None
    cin = normalize_cin(value["cin"])
    try:
        validate_cin(cin)
    except ValidationError:
        raise ValueError(f"bad CIN {value['cin']!r} (one or two letters then up to six digits)") from None
    sex = value["sex"].upper()[:1]
    sex = {"H": "M"}.get(sex, sex)  # French exports write H (homme)
    if sex not in Sex.values:
        raise ValueError(f"bad sex {value['sex']!r} (M or F)")
    mutual_code = value["mutual"] or next((code for code, m in mutuals.items() if m.is_ours), "")
    if mutual_code not in mutuals:
        raise ValueError(f"unknown mutual {mutual_code!r}")
    unit_code = value["home_unit"]
    if unit_code and unit_code not in units:
        raise ValueError(f"unknown service unit {unit_code!r}")
    status = (value["affiliation_status"] or AffiliationStatus.ACTIVE).lower()
    if status not in AffiliationStatus.values:
        raise ValueError(f"bad affiliation status {value['affiliation_status']!r}")
    complementary = value["complementary"].lower() or "yes"
    if complementary not in YES | NO:
        raise ValueError(f"bad complementary {value['complementary']!r} (yes or no)")
    start = _date(value["affiliation_start"], "affiliation start")
    end = _date(value["affiliation_end"], "affiliation end") if value["affiliation_end"] else None
    if end is not None and end < start:
        raise ValueError("affiliation end before its start")
    return _Row(
        line=line,
        member={
            "membership_number": number, "cin": cin, "first_name": value["first_name"],
            "last_name": value["last_name"], "first_name_ar": value["first_name_ar"],
            "last_name_ar": value["last_name_ar"], "birth_date": _date(value["birth_date"], "birth date"),
            "sex": sex, "employer": value["employer"], "grade": value["grade"], "phone": value["phone"],
            "email": value["email"].lower(), "address": value["address"], "iban": _iban(value["iban"]),
            "mutual_id": mutuals[mutual_code].pk, "home_unit_id": units[unit_code].pk if unit_code else None,
        },
        affiliation={"start": start, "end": end, "status": status, "complementary": complementary in YES},
    )


def _read(text: str) -> csv.DictReader:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _check(text: str) -> list[_Row]:
    mutuals = {m.code: m for m in Mutual.objects.all()}
    units = {u.code: u for u in ServiceUnit.objects.all()}
    reader = _read(text)
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    absent = [name for name in REQUIRED if name not in columns]
    if absent:
        raise ImportFailed([RowError(1, f"missing column(s): {', '.join(absent)}")])
    rows: list[_Row] = []
    errors: list[RowError] = []
    seen_numbers: dict[str, int] = {}
    seen_cins: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        try:
            row = _parse(line, raw, mutuals, units)
        except ValueError as error:
            errors.append(RowError(line, str(error)))
            continue
        number, cin = row.member["membership_number"], row.member["cin"]
        if number in seen_numbers:
            errors.append(RowError(line, f"duplicate membership number {number} (also on line {seen_numbers[number]})"))
            continue
        if cin in seen_cins:
            errors.append(RowError(line, f"duplicate CIN {cin} (also on line {seen_cins[cin]})"))
            continue
        seen_numbers[number], seen_cins[cin] = line, line
        rows.append(row)
    # A CIN may not move from one stored member to another.
    owners = dict(Member.objects.filter(cin__in=seen_cins).values_list("cin", "membership_number"))
    for row in rows:
        owner = owners.get(row.member["cin"])
        if owner is not None and owner != row.member["membership_number"]:
            errors.append(RowError(row.line, f"CIN {row.member['cin']} belongs to member {owner}"))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    return rows


def _save_if_changed(instance, values: dict, reason: str) -> bool:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(instance, name, values[name])
    history_stamp(instance, reason=reason)
    instance.save()
    return True


def members_import(*, lines: Iterable[str] | str, source: str = "payroll import") -> ImportReport:
    """Checks every row, then writes them all in one transaction. Raises ImportFailed with each bad row."""
    text = lines if isinstance(lines, str) else "".join(lines)
    rows = _check(text.lstrip("\ufeff"))
    report = ImportReport()
    with transaction.atomic():
        existing = Member.objects.select_for_update().in_bulk(
            [r.member["membership_number"] for r in rows], field_name="membership_number"
        )
        for row in rows:
            data = dict(row.member)
            number = data.pop("membership_number")
            member = existing.get(number)
            changed = False
            if member is None:
                member = Member(membership_number=number, **data)
                history_stamp(member, reason=source)
                member.save()
                report.created += 1
            else:
                changed = _save_if_changed(member, {k: data[k] for k in MEMBER_FIELDS}, source)
            changed |= _sync_self(member, data, source)
            changed |= _sync_affiliation(member, row.affiliation, source)
            if member.pk and number in existing:
                if changed:
                    report.updated += 1
                else:
                    report.unchanged += 1
    return report


def _sync_self(member: Member, data: dict, reason: str) -> bool:
    values = {"first_name": data["first_name"], "last_name": data["last_name"],
              "first_name_ar": data["first_name_ar"], "last_name_ar": data["last_name_ar"],
              "birth_date": data["birth_date"], "sex": data["sex"], "cin": data["cin"]}
    itself = Beneficiary.objects.filter(member=member, relation=Relation.MEMBER).first()
    if itself is None:
        itself = Beneficiary(member=member, relation=Relation.MEMBER, **values)
        history_stamp(itself, reason=reason)
        itself.save()
        return True
    return _save_if_changed(itself, values, reason)


def _sync_affiliation(member: Member, values: dict, reason: str) -> bool:
    period = AffiliationPeriod.objects.filter(member=member, start=values["start"]).first()
    if period is None:
        period = AffiliationPeriod(member=member, **values)
        history_stamp(period, reason=reason)
        period.save()
        return True
    return _save_if_changed(period, {k: v for k, v in values.items() if k != "start"}, reason)
