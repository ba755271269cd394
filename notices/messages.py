"""Notice codes and their words. A notice stores a code and parameters; it is worded here, when it is read,
in the reader's language. Parameters are plain JSON: dates as ISO strings (shown in the reader's date format),
claim statuses as their codes (shown as the translated label). Other apps add their codes with `register`."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from members.templatetags.money import format_mad

CLAIM_STATUS = "claim.status"
APPOINTMENT_BOOKED = "appointment.booked"
APPOINTMENT_CANCELLED = "appointment.cancelled"
AGREEMENT_REQUESTED = "agreement.requested"
AGREEMENT_GRANTED = "agreement.granted"
AGREEMENT_REFUSED = "agreement.refused"
CHANGE_APPLIED = "change.applied"
CHANGE_REJECTED = "change.rejected"
IBAN_REQUESTED = "iban.requested"
IBAN_VALIDATED = "iban.validated"
IBAN_REFUSED = "iban.refused"
CONTACT_CHANGED = "contact.changed"

MESSAGES: dict[str, Promise] = {
    CLAIM_STATUS: _("File %(tracking)s: %(status)s."),
    APPOINTMENT_BOOKED: _("Appointment booked at %(unit)s on %(date)s at %(time)s."),
    APPOINTMENT_CANCELLED: _("Your appointment at %(unit)s on %(date)s at %(time)s is cancelled."),
    AGREEMENT_REQUESTED: _("Prior agreement %(reference)s requested: it waits for a decision."),
    AGREEMENT_GRANTED: _("Prior agreement %(reference)s granted, valid from %(valid_from)s to %(valid_to)s."),
    AGREEMENT_REFUSED: _("Prior agreement %(reference)s refused. The reason is on the agreement."),
    CHANGE_APPLIED: _("Your change of %(field)s has been applied."),
    CHANGE_REJECTED: _("Your change of %(field)s was not accepted."),
    IBAN_REQUESTED: _("A new bank account (%(iban)s) was requested for your file on %(date)s. It is used only once a "
                      "second staff member of the mutual validates it; if you did not ask for it, contact your "
                      "service unit at once."),
    IBAN_VALIDATED: _("Your new bank account has been checked and validated: payments go to it from now on."),
    IBAN_REFUSED: _("Your new bank account was not validated: payments still go to the previous one."),
    CONTACT_CHANGED: _("Your contact details were changed (%(field)s) on %(date)s. If you did not ask for it, "
                       "contact your service unit at once."),
}
UNKNOWN = _("You have a new notice.")

# Parameters worded in the reader's language (codes stored, labels shown).
ParamRenderer = Callable[[object], str]
_RENDERERS: dict[str, ParamRenderer] = {}


def register(code: str, message: Promise) -> None:
    """Adds a notice code (call from an app's ready() or module level); a code never changes once used."""
    MESSAGES[code] = message


def register_param(name: str, renderer: ParamRenderer) -> None:
    _RENDERERS[name] = renderer


def _claim_status(value: object) -> str:
    from claims.models import ClaimStatus

    return str(ClaimStatus(value).label) if value in ClaimStatus.values else str(value)


def _change_field(value: object) -> str:
    from members.models import ChangeField

    return str(ChangeField(value).label).lower() if value in ChangeField.values else str(value)


def _tracking(value: object) -> str:
    from claims.models.files import tracking_code_display

    return tracking_code_display(str(value))


register_param("status", _claim_status)
register_param("field", _change_field)
register_param("tracking", _tracking)


def display_value(name: str, value: object) -> str:
    """One parameter as the reader sees it: dates in the language's date format, amounts with 2 places and the
    language's grouping (1 234,50 / 1,234.50 / 1.234,50)."""
    if name in _RENDERERS:
        return _RENDERERS[name](value)
    if isinstance(value, dict):  # a name given in several languages: {"fr": ..., "ar": ...}
        language = (get_language() or "fr")[:2]
        return str(value.get(language) or value.get("fr") or next(iter(value.values()), ""))
    if isinstance(value, str) and len(value) == 10 and (day := parse_date(value)):
        return formats.date_format(day, "DATE_FORMAT")
    if isinstance(value, str) and len(value) > 10 and "T" in value and (moment := parse_datetime(value)):
        return formats.date_format(moment, "DATETIME_FORMAT")
    if name.endswith("amount"):
        try:
            return format_mad(Decimal(str(value)), currency=False)  # grouped as the language writes it
        except InvalidOperation:
            return str(value)
    return str(value)


def notice_text(code: str, params: Mapping[str, object]) -> str:
    """The notice's sentence in the active language; never fails (a missing parameter shows as a dash)."""
    message = MESSAGES.get(code)
    if message is None:
        return gettext(str(UNKNOWN))
    values = {name: display_value(name, value) for name, value in (params or {}).items()}
    try:
        return str(message) % _Defaulting(values)
    except (TypeError, ValueError):
        return str(message)


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def json_param(value: object) -> object:
    """A parameter made JSON-safe: dates as ISO strings, Decimals as strings (dicts of names kept)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
