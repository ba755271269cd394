"""What intake refuses, and what it only warns about (docs/liquidation.md, "Inputs": the refusal list is closed).

Refused, with a message on the field: a care date after the receipt date (or in the future online), before
1900-01-01 or before the beneficiary's birth; an amount <= 0, with more than 2 decimals, or absurdly large; a
quantity below 1; an act code not in the nomenclature (the line cannot be stored without one). Everything the
line rules decide (eligibility, cover...) is only a warning here: the file is registered and liquidation
rejects the line with its reason code, a formal decision the member can read."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.models import Beneficiary, Sex, StudentPeriod

from ..models import Act

EARLIEST_CARE_DATE = date(1900, 1, 1)


class ClaimAlreadySubmitted(Exception):
    """The file has left the stage this action needs (a second click on "Send", another tab)."""


@dataclass(frozen=True)
class LineData:
    act_code: str
    care_date: date
    quantity: int
    billed_amount: Decimal
    ald: bool = False
    prior_agreement_ref: str = ""


def today() -> date:
    return timezone.localdate()


def short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def beneficiary_with_periods(beneficiary: Beneficiary) -> Beneficiary:
    return Beneficiary.objects.prefetch_related(
        Prefetch("student_periods", queryset=StudentPeriod.objects.order_by("start"))).get(pk=beneficiary.pk)


def eligibility_warning(*, beneficiary: Beneficiary, on: date, reference) -> str | None:
    from members.selectors import beneficiary_eligibility

    result = beneficiary_eligibility(beneficiary=beneficiary, on=on, reference=reference)
    if result.eligible:
        return None
    values = {"name": beneficiary.full_name, "day": short_date(on), "reason": result.reason}
    if beneficiary.sex == Sex.FEMALE:  # the words agree with her in Arabic and French
        return pgettext("said of a woman", "%(name)s was not covered on %(day)s: %(reason)s") % values
    return _("%(name)s was not covered on %(day)s: %(reason)s") % values


def _care_date_error(line: LineData, *, beneficiary: Beneficiary, latest: date, received: bool) -> str | None:
    if line.care_date > latest:
        if received:
            return (_("The care date (%(care)s) is after the date the file was received (%(day)s).")
                    % {"care": short_date(line.care_date), "day": short_date(latest)})
        return _("The care date cannot be in the future.")
    if line.care_date < EARLIEST_CARE_DATE:
        return _("The care date cannot be before 1 January 1900: check the year.")
    if line.care_date < beneficiary.birth_date:
        return (_("The care date (%(care)s) is before the birth of %(name)s (%(birth)s).")
                % {"care": short_date(line.care_date), "name": beneficiary.full_name,
                   "birth": short_date(beneficiary.birth_date)})
    return None


def _amount_error(amount) -> str | None:
    try:
        finite = isinstance(amount, Decimal) and amount.is_finite()
    except InvalidOperation:  # pragma: no cover
        finite = False
    if not finite:
        return _("Enter the amount in dirhams, for example 150.00.")
    if amount <= 0:
        return _("The amount must be above 0.")
    if amount != amount.quantize(Decimal("0.01")):
        return _("The amount can have at most 2 decimals (centimes).")
    if amount >= Decimal("1E10"):
        return _("This amount is too large.")
    return None


def lines_check(*, lines: list[LineData], beneficiary: Beneficiary, latest_care_date: date,
                received: bool) -> dict[str, list[str]]:
    """Errors of each line, keyed "lines.<index>.<field>" (empty when every line is acceptable): the closed
    list only. `latest_care_date` is today for an online file, the receipt date for a paper file."""
    errors: dict[str, list[str]] = {}
    known_acts = set(Act.objects.filter(code__in={line.act_code for line in lines}).values_list("code", flat=True))
    for index, line in enumerate(lines):
        def refuse(field: str, message: str, index: int = index) -> None:
            errors.setdefault(f"lines.{index}.{field}", []).append(message)

        if line.act_code not in known_acts:
            refuse("act_code", _("Unknown act code “%(code)s”: choose the care from the list.") % {
                "code": line.act_code})
        error = _care_date_error(line, beneficiary=beneficiary, latest=latest_care_date, received=received)
        if error:
            refuse("care_date", error)
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) or line.quantity < 1:
            refuse("quantity", _("The quantity must be a whole number of at least 1."))
        error = _amount_error(line.billed_amount)
        if error:
            refuse("billed_amount", error)
        if len(line.prior_agreement_ref) > 32:
            refuse("prior_agreement_ref", _("A prior agreement reference has at most 32 characters."))
    return errors


def lines_warnings(*, lines: list[LineData], beneficiary: Beneficiary) -> list[str]:
    """What liquidation will most likely refuse (the beneficiary not covered on a care date): said at intake,
    decided at liquidation. One message per distinct care date."""
    from members.selectors import eligibility_reference

    reference = eligibility_reference()
    beneficiary = beneficiary_with_periods(beneficiary)
    warnings = []
    for day in sorted({line.care_date for line in lines}):
        if day < max(EARLIEST_CARE_DATE, beneficiary.birth_date):
            continue
        warning = eligibility_warning(beneficiary=beneficiary, on=day, reference=reference)
        if warning:
            warnings.append(warning)
    return warnings
