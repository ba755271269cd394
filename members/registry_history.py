"""A member's registry history as staff read it: every history row (django-simple-history) of the member, his
beneficiaries, their student periods and his affiliation periods, each with who, when, what changed and where the
change came from, newest first. Read in one query per table, whatever the number of rows; what changed is found by
comparing each row with the one before it of the same record (no query per row). memberships.selectors adds the
decisions on his requests."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AffiliationPeriod, Beneficiary, Member, Relation, StudentPeriod, User

RELATIONS = dict(Relation.choices)
ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("removed")}
_BOOKKEEPING = {"id", "member", "beneficiary"}  # what a row hangs on, never shown as a change
# The reasons are stored in English for engineers ("registry: child added"); staff read where a change came from,
# in their language. A reason none of these begins is shown as stored.
SOURCES = (
    ("registry: follows the member's data", _("follows the member's own data")),
    ("registry:", _("entered by staff")),
    ("change request", _("the member's change request")),
    ("web account activated", _("web account activated")),
    ("payroll import", _("payroll import")),
)


def reason_text(reason: str) -> str:
    return next((str(text) for prefix, text in SOURCES if reason.startswith(prefix)), reason)


@dataclass(frozen=True)
class RegistryEvent:
    at: datetime
    by: User | None
    subject: str
    action: Promise | str
    fields: list[str] = field(default_factory=list)  # the fields changed, by their verbose names
    why: str = ""

    @property
    def by_name(self) -> str:
        return (self.by.get_full_name() or self.by.username) if self.by else ""


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "…"


def _subject(row: Any, model: type[Model], names: dict[int, str]) -> str:
    if model is Member:
        return str(_("the member"))
    if model is Beneficiary:
        return f"{row.first_name} {row.last_name} ({RELATIONS.get(row.relation, row.relation)})"
    if model is StudentPeriod:
        return str(_("study period %(start)s → %(end)s of %(name)s") % {
            "start": _day(row.start), "end": _day(row.end), "name": names.get(row.beneficiary_id, "")})
    return str(_("affiliation period %(start)s → %(end)s") % {"start": _day(row.start), "end": _day(row.end)})


def _events(rows: Iterable[Any], model: type[Model], names: dict[int, str]) -> list[RegistryEvent]:
    tracked = [f for f in model._meta.concrete_fields if f.name not in _BOOKKEEPING]
    before: dict[int, Any] = {}
    events = []
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        previous = before.get(row.id)
        changed = [str(f.verbose_name) for f in tracked
                   if previous is not None and getattr(previous, f.attname) != getattr(row, f.attname)]
        events.append(RegistryEvent(at=row.history_date, by=row.history_user, subject=_subject(row, model, names),
                                    action=ACTIONS.get(row.history_type, row.history_type),
                                    fields=changed if row.history_type == "~" else [],
                                    why=reason_text(row.history_change_reason or "")))
        before[row.id] = row
    return events


def registry_history(*, member: Member) -> list[RegistryEvent]:
    """Every registry history row of `member`, newest first (four queries)."""
    people = list(Beneficiary.history.filter(member_id=member.pk).select_related("history_user"))
    names = {row.id: f"{row.first_name} {row.last_name}" for row in people}
    events = _events(people, Beneficiary, names)
    events += _events(Member.history.filter(id=member.pk).select_related("history_user"), Member, names)
    events += _events(StudentPeriod.history.filter(beneficiary_id__in=list(names)).select_related("history_user"),
                      StudentPeriod, names)
    events += _events(AffiliationPeriod.history.filter(member_id=member.pk).select_related("history_user"),
                      AffiliationPeriod, names)
    return sorted(events, key=lambda event: event.at, reverse=True)
