"""Reads of a unit's opening hours, in the reader's language: the week day by day (weekday names from Django's own
catalogues, times in the locale's TIME_FORMAT: 08:30 in Arabic and French, 8:30 a.m. in English), the week in short
(consecutive days with the same hours grouped), today, and the history of changes for the hours page.

Every function reads `unit.opening_hours.all()`, so a page listing units prefetches them once (units.selectors)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language_bidi, gettext, pgettext

from .models import OpeningHours, ServiceUnit

Period = tuple[time, time]


def join_in_text(items: Iterable[object]) -> str:
    """A list in running text: "a، b" with the Arabic comma in Arabic (right to left), "a, b" otherwise."""
    return ("، " if get_language_bidi() else ", ").join(str(item) for item in items)


def period_text(opens: time, closes: time) -> str:
    return gettext("%(opens)s–%(closes)s") % {"opens": formats.time_format(opens),
                                              "closes": formats.time_format(closes)}


def periods_text(periods: list[Period]) -> str:
    if not periods:
        return pgettext("opening hours", "Closed")
    return join_in_text(period_text(opens, closes) for opens, closes in periods)


@dataclass(frozen=True)
class OpeningDay:
    weekday: int  # 0 = Monday
    periods: list[Period] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(WEEKDAYS[self.weekday])

    @property
    def closed(self) -> bool:
        return not self.periods

    @property
    def text(self) -> str:
        return periods_text(self.periods)


def opening_week(*, unit: ServiceUnit) -> list[OpeningDay]:
    """Monday to Sunday, each day with its periods in order (none: closed)."""
    by_day: dict[int, list[Period]] = {day: [] for day in range(7)}
    for row in sorted(unit.opening_hours.all(), key=lambda row: (row.weekday, row.opens)):
        by_day[row.weekday].append((row.opens, row.closes))
    return [OpeningDay(day, periods) for day, periods in by_day.items()]


@dataclass(frozen=True)
class OpeningSpan:
    days: str  # "Monday – Friday", in the reader's language
    hours: str  # "08:30–16:30", or "Closed"
    closed: bool


def opening_summary(*, unit: ServiceUnit) -> list[OpeningSpan]:
    """The week in short: consecutive days with the same hours in one line. [] when the unit has no hours yet."""
    week = opening_week(unit=unit)
    if all(day.closed for day in week):
        return []
    spans: list[list[OpeningDay]] = []
    for day in week:
        if spans and spans[-1][-1].periods == day.periods:
            spans[-1].append(day)
        else:
            spans.append([day])
    lines = []
    for span in spans:
        first, last = span[0], span[-1]
        days = first.name if first is last else gettext("%(first)s – %(last)s") % {"first": first.name,
                                                                                    "last": last.name}
        lines.append(OpeningSpan(days=days, hours=first.text, closed=first.closed))
    return lines


def opening_one_line(*, unit: ServiceUnit) -> str:
    """The week in one line, for a unit's card: "Monday – Friday: 08:30–16:30 · Saturday – Sunday: Closed"."""
    return " · ".join(gettext("%(days)s: %(hours)s") % {"days": span.days, "hours": span.hours}
                      for span in opening_summary(unit=unit))


def opening_day(*, unit: ServiceUnit, on: date | None = None) -> OpeningDay:
    """The hours of one day (today by default), for the desk and the member's booking."""
    on = on or timezone.localdate()
    return opening_week(unit=unit)[on.weekday()]


def opening_hours_history(*, unit: ServiceUnit) -> QuerySet:
    """The changes of the unit's hours, newest first: who added or removed which period, when."""
    return (OpeningHours.history.filter(unit_id=unit.pk).select_related("history_user")
            .order_by("-history_date", "-history_id"))
