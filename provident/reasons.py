"""What each reason code of a provident decision means, in the requester's language."""

from django.utils.translation import gettext_lazy as _

from . import engine

REASON_MESSAGES = {
    engine.NOT_AFFILIATED_ON_EVENT: _("The member was not affiliated on the date of the event (for a retirement: "
                                      "no affiliation period ends with the retirement)."),
    engine.BENEFICIARY_NOT_ELIGIBLE: _("The deceased was not a covered beneficiary on the date of death."),
    engine.LATE_REQUEST: _("The request was received after the deadline counted from the event (730 days in the "
                           "reference data)."),
    engine.ALREADY_PAID: _("This allowance has already been granted for the same person."),
    engine.INSUFFICIENT_SENIORITY: _("Fewer than 10 whole years of affiliation."),
    engine.SHARES_INVALID: _("The heirs' shares do not add up to exactly 1."),
    "REVIEW_REJECTED": _("Rejected by a liquidator on review; the note says why."),
}
