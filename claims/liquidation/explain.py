"""Why a line pays what it pays, as the engine decided it: a list of steps, each a stable code and parameters.

Plain data only (no Django): every parameter is a string, so the steps store as JSON as they are. Amounts are
named `*_amount` (Decimal as text, 2 places), dates `*_on` (ISO), rates `*_rate` (a percentage as text, "80").
The member pages word each step in the reader's language (claims/explanations.py)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# How the base was set.
BASE_TARIFF = "BASE_TARIFF"  # capped at quantity × TNR (tariff in force from tariff_on)
BASE_BILLED_UNDER_TARIFF = "BASE_BILLED_UNDER_TARIFF"  # billed amount, under the tariff cap
BASE_BILLED = "BASE_BILLED"  # billed amount, the act has no reference tariff
# AMO rate and why.
AMO_RATE = "AMO_RATE"  # category rate for the sector
AMO_ALD = "AMO_ALD"  # long-term illness: 100 %
# Cuts.
FREQUENCY_CUT = "FREQUENCY_CUT"  # quantity reduced to what was left in the window
FREQUENCY_LEFT = "FREQUENCY_LEFT"  # units left in the window after this line
CEILING_CUT = "CEILING_CUT"  # AMO cut to what was left under the ceiling
CEILING_LEFT = "CEILING_LEFT"  # AMO left under the ceiling after this line
# Complementary cover.
COMPLEMENTARY_RATE = "COMPLEMENTARY_RATE"
COMPLEMENTARY_NONE_CATEGORY = "COMPLEMENTARY_NONE_CATEGORY"  # the category has no complementary rate
COMPLEMENTARY_NONE_COVER = "COMPLEMENTARY_NONE_COVER"  # the affiliation had no complementary cover that day
# A rejected line: the reason code itself (reasons.py) is the step, with the parameters it needs.
REJECTED = "REJECTED"

STEP_CODES = frozenset({
    BASE_TARIFF, BASE_BILLED_UNDER_TARIFF, BASE_BILLED, AMO_RATE, AMO_ALD, FREQUENCY_CUT, FREQUENCY_LEFT,
    CEILING_CUT, CEILING_LEFT, COMPLEMENTARY_RATE, COMPLEMENTARY_NONE_CATEGORY, COMPLEMENTARY_NONE_COVER, REJECTED,
})


@dataclass(slots=True)
class Step:
    """Treat as read-only (not frozen: the engine builds ~5 per line and a frozen record's __init__ costs 3x)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


def money(amount: Decimal) -> str:
    text = str(amount)  # an amount already to the centime prints as it is (5x cheaper than formatting)
    if len(text) > 3 and text[-3] == "." and "E" not in text:
        return text
    return f"{amount:.2f}"


_percents: dict[Decimal, str] = {}


def percent(rate: Decimal) -> str:
    text = _percents.get(rate)
    if text is None:  # a handful of rates: formatted once per process
        text = f"{(rate * 100):f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        if len(_percents) < 1000:
            _percents[rate] = text
    return text


def day(value: date) -> str:
    return value.isoformat()


def step(code: str, **params: object) -> Step:
    return Step(code, {name: _text(value) for name, value in params.items()})


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, date):
        return day(value)
    return str(value)
