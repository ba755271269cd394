"""Stable codes explaining why a line was rejected or reduced, and why a beneficiary is (not) covered.

The codes are stored with each line and never change. What a member reads for each code is translated outside this
pure package, in claims/reason_messages.py.
"""

MEMBER_NOT_COVERED = "MEMBER_NOT_COVERED"
BENEFICIARY_NOT_ELIGIBLE = "BENEFICIARY_NOT_ELIGIBLE"
LATE_FILING = "LATE_FILING"
UNKNOWN_ACT = "UNKNOWN_ACT"
PRIOR_AGREEMENT_MISSING = "PRIOR_AGREEMENT_MISSING"
DUPLICATE = "DUPLICATE"
FREQUENCY_LIMIT = "FREQUENCY_LIMIT"
CEILING_REACHED = "CEILING_REACHED"


# Eligibility reason codes, shown on the member pages.
MEMBER = "MEMBER"
SPOUSE_MARRIED = "SPOUSE_MARRIED"
SPOUSE_MARRIAGE_ENDED = "SPOUSE_MARRIAGE_ENDED"
CHILD_UNDER_21 = "CHILD_UNDER_21"
CHILD_STUDENT = "CHILD_STUDENT"
CHILD_DISABLED = "CHILD_DISABLED"
CHILD_OVER_AGE = "CHILD_OVER_AGE"
NOT_YET_COVERED = "NOT_YET_COVERED"
