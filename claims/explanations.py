"""The words of a line's explanation (claims/liquidation/explain.py steps), in the reader's language.

The steps are stored with the line as codes and parameters; nothing here recomputes an amount: every figure
shown comes from the engine's own result."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.templatetags.money import format_mad

from .liquidation import explain, reasons
from .reason_messages import REASON_MESSAGES

STEP_MESSAGES: dict[str, Promise] = {
    explain.BASE_TARIFF: _(
        "Base %(cap_amount)s: the amount paid (%(billed_amount)s) is above the reference tariff, "
        "%(quantity)s × %(tnr_amount)s (tariff in force since %(tariff_on)s)."),
    explain.BASE_BILLED_UNDER_TARIFF: _(
        "Base %(billed_amount)s: the amount paid, within the reference tariff of %(cap_amount)s "
        "(%(quantity)s × %(tnr_amount)s, in force since %(tariff_on)s)."),
    explain.BASE_BILLED: _("Base %(billed_amount)s: the amount paid (this care has no reference tariff)."),
    explain.AMO_RATE: _("AMO pays %(amo_rate)s %% of the base: %(amo_amount)s (rate of %(category)s, %(sector)s)."),
    explain.AMO_ALD: _("AMO pays %(amo_rate)s %% of the base: %(amo_amount)s, because this care is for a "
                       "recognised long-term illness (ALD)."),
    explain.FREQUENCY_CUT: _(
        "Only %(kept)s of the %(filed)s units are reimbursed (amount kept: %(kept_amount)s): this care is "
        "limited to %(limit)s per %(days)s days and %(used)s were already reimbursed."),
    explain.FREQUENCY_LEFT: _("Still allowed for this care after this line: %(left)s of %(limit)s over %(days)s days."),
    explain.CEILING_CUT: _(
        "AMO cut from %(computed_amount)s to %(allowed_amount)s: the ceiling is %(ceiling_amount)s per %(days)s "
        "days and %(used_amount)s was already used."),
    explain.CEILING_LEFT: _("Left under the ceiling of %(ceiling_amount)s after this line: %(left_amount)s."),
    explain.COMPLEMENTARY_RATE: _(
        "Complementary cover pays %(complementary_rate)s %% of what AMO leaves (%(rest_amount)s): "
        "%(complementary_amount)s."),
    explain.COMPLEMENTARY_NONE_CATEGORY: _("No complementary cover for %(category)s."),
    explain.COMPLEMENTARY_NONE_COVER: _("No complementary cover: your affiliation did not include it "
                                        "on the care date."),
}

# Figures added to a rejection reason, when the engine gave them.
REJECTION_DETAILS: dict[str, Promise] = {
    reasons.LATE_FILING: _("Received %(days)s days after the care date; the limit is %(limit)s days."),
    reasons.FREQUENCY_LIMIT: _("Limit: %(limit)s per %(days)s days; %(used)s already reimbursed, none left."),
    reasons.CEILING_REACHED: _("Ceiling: %(ceiling_amount)s per %(days)s days; %(used_amount)s already used, "
                               "nothing left."),
}

SECTORS: dict[str, Promise] = {"public": _("public sector"), "private": _("private sector")}


@dataclass(frozen=True)
class ExplainedLine:
    steps: list[str]
    remaining: Decimal | None  # what the member keeps paying for this line (billed − reimbursed)


def _value(name: str, value: str, categories: Mapping[str, str]) -> str:
    if name.endswith("_amount"):
        try:
            return format_mad(Decimal(value))
        except (InvalidOperation, TypeError):
            return value
    if name.endswith("_on") and (day := parse_date(value)):
        return formats.date_format(day, "DATE_FORMAT")
    if name.endswith("_rate"):
        return formats.number_format(Decimal(value)) if value.replace(".", "", 1).isdigit() else value
    if name == "sector":
        return str(SECTORS.get(value, value))
    if name == "category":
        return categories.get(value, value)
    return value


def step_text(code: str, params: Mapping[str, str], categories: Mapping[str, str] | None = None) -> str:
    """One step in the active language; an unknown code or a missing figure never fails the page."""
    categories = categories or {}
    values = _Values({name: _value(name, str(value), categories) for name, value in (params or {}).items()})
    if code == explain.REJECTED:
        reason = params.get("reason", "")
        text = str(REASON_MESSAGES.get(reason, reason))
        detail = REJECTION_DETAILS.get(reason)
        if detail is not None and params.get("limit", params.get("ceiling_amount")) is not None:
            text = f"{text} {_format(detail, values)}"
        return text
    message = STEP_MESSAGES.get(code)
    return _format(message, values) if message is not None else code


def _format(message: Promise, values: "_Values") -> str:
    try:
        return str(message) % values
    except (TypeError, ValueError, KeyError):
        return str(message)


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def line_explanation(line, categories: Mapping[str, str] | None = None) -> ExplainedLine:
    """A priced line's steps in words and what is left for the member to pay, from the stored result."""
    steps = [step_text(item.get("code", ""), item.get("params", {}), categories)
             for item in (line.explanation or []) if isinstance(item, dict)]
    if not steps:  # priced before explanations were stored: the reasons alone
        steps = [str(REASON_MESSAGES.get(code, code)) for code in line.reason_codes or []]
    remaining = None
    if line.accepted is not None:
        reimbursed = (line.amo_amount or Decimal(0)) + (line.complementary_amount or Decimal(0))
        remaining = line.billed_amount - reimbursed
    return ExplainedLine(steps=steps, remaining=remaining)


def category_names(categories: Iterable) -> dict[str, str]:
    """{code: name in the active language} for Category rows."""
    language = (get_language() or "fr")[:2]
    field = {"ar": "name_ar", "en": "name_en"}.get(language, "name_fr")
    return {category.code: getattr(category, field) or category.name_fr for category in categories}


@dataclass(frozen=True)
class EstimateRow:
    position: int
    act_code: str
    act_name: str
    care_date: object
    quantity: int
    billed: Decimal
    accepted: bool
    base: Decimal
    amo: Decimal
    complementary: Decimal
    remaining: Decimal
    steps: list[str]


def estimate_rows(result, lines, act_names: Mapping[str, str], categories: Mapping[str, str]) -> list[EstimateRow]:
    """An estimate (the engine's ClaimResult, nothing saved) as rows to show, with each line's steps in words."""
    rows = []
    for line, priced in zip(lines, result.lines, strict=False):
        steps = [step_text(s.code, s.params, categories) for s in priced.explanation]
        rows.append(EstimateRow(
            position=priced.index + 1, act_code=line.act_code, act_name=act_names.get(line.act_code, ""),
            care_date=line.care_date, quantity=line.quantity, billed=line.billed_amount, accepted=priced.accepted,
            base=priced.base, amo=priced.amo_amount, complementary=priced.complementary_amount,
            remaining=line.billed_amount - priced.reimbursed, steps=steps))
    return rows
