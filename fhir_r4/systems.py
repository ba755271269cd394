"""The canonical URLs of our identifiers and code systems, and the FHIR ones we use."""

from django.conf import settings


def base() -> str:
    return getattr(settings, "FHIR_CANONICAL_BASE", "https://mutuelle.ma/fhir").rstrip("/")


def acts() -> str:
    return f"{base()}/CodeSystem/acts"


def reasons() -> str:
    return f"{base()}/CodeSystem/reasons"


def adjudication_ours() -> str:
    """Our two extra adjudication categories: `amo` and `complementary` (benefit = their sum)."""
    return f"{base()}/CodeSystem/adjudication"


def membership_number() -> str:
    return f"{base()}/sid/membership-number"


def inpe() -> str:
    return f"{base()}/sid/inpe"


def prior_agreement() -> str:
    return f"{base()}/sid/prior-agreement"


def tracking_code() -> str:
    return f"{base()}/sid/tracking-code"


ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PROCESS_PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
PAYMENT_TYPE = "http://terminology.hl7.org/CodeSystem/ex-paymenttype"
CURRENCY = "MAD"
