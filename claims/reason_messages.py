"""What a member reads for each stable reason code of the liquidation engine (claims.liquidation.reasons), in their
language. Kept outside the pure engine package, which imports nothing of Django."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims.liquidation.reasons import (
    BENEFICIARY_NOT_ELIGIBLE,
    CEILING_REACHED,
    CHILD_DISABLED,
    CHILD_OVER_AGE,
    CHILD_STUDENT,
    CHILD_UNDER_21,
    DUPLICATE,
    FREQUENCY_LIMIT,
    LATE_FILING,
    MEMBER,
    MEMBER_NOT_COVERED,
    NOT_YET_COVERED,
    PRIOR_AGREEMENT_MISSING,
    SPOUSE_MARRIAGE_ENDED,
    SPOUSE_MARRIED,
    UNKNOWN_ACT,
)

REASON_MESSAGES: dict[str, Promise] = {
    MEMBER_NOT_COVERED: _("The member was not covered by the mutual on the care date."),
    BENEFICIARY_NOT_ELIGIBLE: _("This person was not covered as a beneficiary on the care date."),
    LATE_FILING: _("Filed more than 60 days after the care date."),
    UNKNOWN_ACT: _("This care is not on the list of reimbursed care for the care date."),
    PRIOR_AGREEMENT_MISSING: _(
        "This care needs a prior agreement from the mutual, and none covers this date."
    ),
    DUPLICATE: _("The same care, on the same date and for the same amount, was already reimbursed."),
    FREQUENCY_LIMIT: _(
        "This care is reimbursed only a limited number of times over two years; "
        "only what was still allowed is reimbursed."
    ),
    CEILING_REACHED: _(
        "The reimbursement ceiling for this care over two years is reached; "
        "only what was still allowed is reimbursed."
    ),
}

ELIGIBILITY_MESSAGES: dict[str, Promise] = {
    MEMBER: _("Covered as the member."),
    SPOUSE_MARRIED: _("Covered as the member's spouse."),
    SPOUSE_MARRIAGE_ENDED: _("No longer covered: the marriage has ended."),
    CHILD_UNDER_21: _("Covered as a child under 21."),
    CHILD_STUDENT: _("Covered as a child in education, up to 26."),
    CHILD_DISABLED: _("Covered as a child with a disability, with no age limit."),
    CHILD_OVER_AGE: _("No longer covered: over the age limit for children."),
    NOT_YET_COVERED: _("Not yet covered on this date: the request to add this person arrived more than 90 days "
                       "after the marriage or birth, so cover starts on the day it arrived."),
}

# ELIGIBILITY_MESSAGES are said of a man (a spouse there is a husband: "conjoint de l'adhérente"). The same
# sentences said of a woman: Arabic and French agree their words with her ("مشمولة", "couverte"), English
# does not change. members.selectors.BeneficiaryEligibility.reason picks them by the person's sex.
SHE = "said of a woman"
ELIGIBILITY_MESSAGES_FEMALE: dict[str, Promise] = {
    MEMBER: pgettext_lazy(SHE, "Covered as the member."),
    SPOUSE_MARRIED: pgettext_lazy(SHE, "Covered as the member's spouse."),
    SPOUSE_MARRIAGE_ENDED: pgettext_lazy(SHE, "No longer covered: the marriage has ended."),
    CHILD_UNDER_21: pgettext_lazy(SHE, "Covered as a child under 21."),
    CHILD_STUDENT: pgettext_lazy(SHE, "Covered as a child in education, up to 26."),
    CHILD_DISABLED: pgettext_lazy(SHE, "Covered as a child with a disability, with no age limit."),
    CHILD_OVER_AGE: pgettext_lazy(SHE, "No longer covered: over the age limit for children."),
    NOT_YET_COVERED: pgettext_lazy(SHE, "Not yet covered on this date: the request to add this person arrived more "
                                        "than 90 days after the marriage or birth, so cover starts on the day it "
                                        "arrived."),
}
