"""Template filters of the documents-before-pricing rule: what a file still lacks, and why, in the reader's
language."""

from django import template

register = template.Library()


@register.filter
def missing_document_labels(claim) -> list[str]:
    from claims.services.documents import missing_labels

    return missing_labels(list(getattr(claim, "missing_kinds", None) or []))
