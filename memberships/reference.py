"""The documents applications need, as dated reference data (memberships.RequiredDocument, edited in the admin).
The rows below are the spec's list; the data migration and seed_demo load them."""

from datetime import date

from django.db.models import Q

from .models import DocumentFor, DocumentKind, RequiredDocument

IN_FORCE_SINCE = date(2000, 1, 1)
DEFAULT_REQUIRED_DOCUMENTS: list[tuple[str, str]] = [
    (DocumentFor.APPLICANT, DocumentKind.CIN),
    (DocumentFor.APPLICANT, DocumentKind.WORK_CERTIFICATE),
    (DocumentFor.APPLICANT, DocumentKind.BANK_DETAILS),
    (DocumentFor.SPOUSE, DocumentKind.MARRIAGE_CERTIFICATE),
    (DocumentFor.CHILD, DocumentKind.BIRTH_CERTIFICATE),
    (DocumentFor.STUDENT_OVER_21, DocumentKind.SCHOOL_CERTIFICATE),
    (DocumentFor.DISABLED_OVER_21, DocumentKind.DISABILITY_CARD),
    (DocumentFor.STUDY_PERIOD, DocumentKind.SCHOOL_CERTIFICATE),
    (DocumentFor.DISABILITY, DocumentKind.DISABILITY_CARD),
]


def required_documents_seed() -> int:
    """Loads the spec's list, in force since 2000, where no row of that (for, document) exists. Idempotent."""
    created = 0
    for applies_to, document in DEFAULT_REQUIRED_DOCUMENTS:
        if not RequiredDocument.objects.filter(applies_to=applies_to, document=document).exists():
            RequiredDocument.objects.create(applies_to=applies_to, document=document, valid_from=IN_FORCE_SINCE)
            created += 1
    return created


def required_documents_on(day: date) -> dict[str, list[str]]:
    """{for: [document kinds]} in force on `day`."""
    rules: dict[str, list[str]] = {}
    in_force = RequiredDocument.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)).order_by("applies_to", "document")
    for applies_to, document in in_force.values_list("applies_to", "document"):
        rules.setdefault(applies_to, []).append(document)
    return rules
