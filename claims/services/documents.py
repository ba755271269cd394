"""Documents before pricing: a file is priced only when the documents its lines need are there.

The need is reference data (RequiredDocument: per category, dated by care date). An online file's documents
are its scans; a paper file's are the kinds the agent checked at the desk. A file missing one is `incomplete`
with the list (member and desk see it, translated, with the category that needs it) and goes on to
liquidation once completed; its `received_on` stays the first deposit date."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from ..models import ActVersion, ClaimFile, ClaimStatus, DocumentKind, RequiredDocument, StatusChange
from ..status import claim_set_status
from .intake_checks import ClaimAlreadySubmitted
from .locks import claim_lock, retry_on_deadlock

S = ClaimStatus


@dataclass(frozen=True)
class Missing:
    kind: str
    category: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "category": self.category}


def _category_of(act_code: str, day) -> str | None:
    return (ActVersion.objects.filter(act__code=act_code, effective_from__lte=day).order_by("-effective_from")
            .values_list("category__code", flat=True).first())


def required_documents(lines: Iterable[tuple[str, object]]) -> list[Missing]:
    """The (kind, category) pairs the lines `(act_code, care_date)` need, in a stable order."""
    needed: dict[tuple[str, str], None] = {}
    for act_code, care_date in lines:
        category = _category_of(act_code, care_date)
        if category is None:
            continue
        kinds = RequiredDocument.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=care_date),
            category__code=category, effective_from__lte=care_date).values_list("kind", flat=True)
        for kind in kinds:
            needed.setdefault((kind, category), None)
    return [Missing(kind, category) for kind, category in needed]


def missing_documents(*, lines: Iterable[tuple[str, object]], present: Iterable[str]) -> list[Missing]:
    have = set(present)
    missing, seen = [], set()
    for need in required_documents(lines):
        if need.kind not in have and need.kind not in seen:
            missing.append(need)
            seen.add(need.kind)
    return missing


def claim_missing(claim: ClaimFile, *, present: Iterable[str] | None = None) -> list[Missing]:
    """What `claim` still lacks: against its scans, or against `present` (kinds checked on paper)."""
    lines = list(claim.lines.order_by("position").values_list("act__code", "care_date"))
    if present is None:
        present = claim.attachments.values_list("kind", flat=True)
    return missing_documents(lines=lines, present=present)


def missing_labels(missing: list[dict]) -> list[str]:
    """The missing documents as sentences in the active language ("Prescription (needed for Medicines)")."""
    from ..models import Category

    names = {c.code: c for c in Category.objects.filter(code__in={m["category"] for m in missing})}
    labels = []
    for item in missing:
        category = names.get(item["category"])
        kind = DocumentKind(item["kind"]).label if item["kind"] in DocumentKind.values else item["kind"]
        labels.append(_("%(document)s (needed for %(category)s)") % {
            "document": kind, "category": _category_name(category) if category else item["category"]})
    return labels


def _category_name(category) -> str:
    from django.utils.translation import get_language

    language = (get_language() or "fr")[:2]
    return {"ar": category.name_ar, "fr": category.name_fr}.get(language) or category.name_en


def mark_incomplete(claim: ClaimFile, *, by, missing_documents: str = "",
                    missing: Sequence[Missing] = ()) -> StatusChange:
    """Moves `claim` (locked by the caller) to `incomplete`: staff's free text and/or the rule's list."""
    kinds = [m.as_dict() for m in missing]
    ClaimFile.objects.filter(pk=claim.pk).update(missing_documents=missing_documents, missing_kinds=kinds)
    claim.missing_documents, claim.missing_kinds = missing_documents, kinds
    # The rule's list is shown translated beside the file (missing_kinds); the history keeps staff's own words.
    reason = missing_documents
    return claim_set_status(claim=claim, to_status=S.INCOMPLETE, by=by, reason=reason,
                            reason_code="MISSING_DOCUMENTS",
                            reason_params={"note": missing_documents, "kinds": [m.kind for m in missing]})


@retry_on_deadlock
@transaction.atomic
def claim_mark_incomplete(*, claim: ClaimFile, by, missing_documents: str) -> ClaimFile:
    """Staff found documents missing: the member is told which, and the file waits for them."""
    missing_documents = missing_documents.strip()
    if not missing_documents:
        raise ValidationError({"missing_documents": _("List the missing documents.")})
    claim = claim_lock(claim.pk)
    mark_incomplete(claim, by=by, missing_documents=missing_documents)
    return claim


def _queue_liquidation(claim_id: int) -> None:
    from outbox.services import outbox_enqueue

    outbox_enqueue(task="claims.tasks.liquidate_claim", args=[claim_id])


def after_received(claim: ClaimFile, *, by, missing_documents: str = "", missing: Sequence[Missing] = ()) -> None:
    """What follows a move to `received`: forward a sister mutual's file, mark a file incomplete, or queue
    its liquidation."""
    mutual = claim.member.mutual
    if not mutual.is_ours:
        claim_set_status(claim=claim, to_status=S.FORWARDED, by=by, reason=mutual.name_fr, reason_code="FORWARDED_TO",
                         reason_params={"mutual": {"fr": mutual.name_fr, "ar": mutual.name_ar}})
    elif missing_documents or missing:
        mark_incomplete(claim, by=by, missing_documents=missing_documents, missing=list(missing))
    else:
        _queue_liquidation(claim.pk)


@retry_on_deadlock
@transaction.atomic
def claim_complete(*, claim: ClaimFile, by, require_new_documents: bool = True) -> ClaimFile:
    """The missing documents are in: the file is received again and goes on to liquidation.

    A member must have added at least one document since the file was marked incomplete, including every kind
    the required-documents rule found missing; staff who received the papers at the desk need not
    (`require_new_documents=False`: they checked the papers)."""
    claim = claim_lock(claim.pk)
    if claim.status != S.INCOMPLETE:
        raise ClaimAlreadySubmitted(claim.tracking_code)
    if require_new_documents:
        since = claim.status_changes.filter(to_status=S.INCOMPLETE).aggregate(last=Max("changed_at"))["last"]
        if not claim.attachments.filter(uploaded_at__gt=since).exists():
            raise ValidationError(_("Add the missing documents first."), code="no_new_documents")
        scanned = set(claim.attachments.values_list("kind", flat=True))
        still = [Missing(m["kind"], m["category"]) for m in claim.missing_kinds if m["kind"] not in scanned]
        if still:
            raise ValidationError(
                _("Still missing: %(documents)s.") % {
                    "documents": ", ".join(missing_labels([m.as_dict() for m in still]))},
                code="documents_missing")
    ClaimFile.objects.filter(pk=claim.pk).update(missing_documents="", missing_kinds=[])
    claim.missing_documents, claim.missing_kinds = "", []
    claim_set_status(claim=claim, to_status=S.RECEIVED, by=by, reason=_("Missing documents added."),
                     reason_code="DOCUMENTS_ADDED")
    after_received(claim, by=by)
    return claim
