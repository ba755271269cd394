"""Documents before pricing: which scans (or papers) a file's lines need, as dated reference data."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .files import DocumentKind
from .reference import Category


class RequiredDocument(models.Model):
    """A document every line of `category` needs, for care dates from `effective_from` to `effective_to`
    (open when empty). A file missing one is `incomplete` and is not priced."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="required_documents",
                                 verbose_name=_("category"))
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    effective_from = models.DateField(_("effective from (care date)"))
    effective_to = models.DateField(_("until (care date, included)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["category", "kind", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["category", "kind", "effective_from"],
                                    name="one_required_document_per_date"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="required_document_window"),
        ]

    def __str__(self) -> str:
        return f"{self.category} needs {self.kind} from {self.effective_from}"
