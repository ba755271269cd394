"""History notes of a file, as members and staff read them: a stable code and parameters stored with each
status change (StatusChange.reason_code/reason_params), worded here in the reader's language.

Notes a person typed (a liquidator's reason, the desk's list of missing documents) are data: shown as typed,
after the translated sentence. Rows written before codes existed are read through `legacy_code`."""

import re
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FORWARDED_TO = "FORWARDED_TO"
MISSING_DOCUMENTS = "MISSING_DOCUMENTS"
DOCUMENTS_ADDED = "DOCUMENTS_ADDED"
PRICING_FAILED = "PRICING_FAILED"
LEASE_EXPIRED = "LEASE_EXPIRED"
PAID_IN_BATCH = "PAID_IN_BATCH"
APPROVED_AFTER_REVIEW = "APPROVED_AFTER_REVIEW"
ADJUSTED_AFTER_REVIEW = "ADJUSTED_AFTER_REVIEW"
DENTURE_DELIVERED = "DENTURE_DELIVERED"
CONTROL_SAMPLE = "CONTROL_SAMPLE"
CONTROL_AMOUNT = "CONTROL_AMOUNT"

MESSAGES: dict[str, Promise] = {
    FORWARDED_TO: _("Forwarded to %(mutual)s."),
    MISSING_DOCUMENTS: _("Documents are missing:"),
    DOCUMENTS_ADDED: _("Missing documents added."),
    PRICING_FAILED: _("The file could not be priced automatically: a liquidator checks it."),
    LEASE_EXPIRED: _("Pricing was interrupted; the file is queued again."),
    PAID_IN_BATCH: _("Paid by bank transfer (payment batch %(batch)s)."),
    APPROVED_AFTER_REVIEW: _("Approved after review by a liquidator."),
    ADJUSTED_AFTER_REVIEW: _("Adjusted after review by a liquidator:"),
    DENTURE_DELIVERED: _("Removable denture delivered by the unit's lab (order %(order)s)."),
    CONTROL_SAMPLE: _("Drawn in the documents control sample: a liquidator checks the documents before payment."),
    CONTROL_AMOUNT: _("Above the amount for a documents check: a liquidator checks the documents before payment."),
}

_LEGACY = [
    (re.compile(r"^Paid by transfer in batch (?P<batch>\S+?)\.?$"), PAID_IN_BATCH),
    (re.compile(r"^Approved after review\.$"), APPROVED_AFTER_REVIEW),
    (re.compile(r"^Adjusted after review: (?P<note>.*)$", re.S), ADJUSTED_AFTER_REVIEW),
    (re.compile(r"^Liquidation lease expired"), LEASE_EXPIRED),
    (re.compile(r"^Liquidation failed"), PRICING_FAILED),
    (re.compile(r"^Documents check: drawn"), CONTROL_SAMPLE),
    (re.compile(r"^Documents check: online file above"), CONTROL_AMOUNT),
    (re.compile(r"^(Missing documents added\.|Pièces manquantes ajoutées\.|.*الوثائق الناقصة.*)$"), DOCUMENTS_ADDED),
]


def legacy_code(reason: str, to_status: str = "") -> tuple[str, dict]:
    """(code, params) for a reason written as a sentence before codes existed; ("", {}) when unknown."""
    for pattern, code in _LEGACY:
        match = pattern.match(reason.strip())
        if match:
            return code, {name: value for name, value in match.groupdict().items() if value is not None}
    if to_status == "in_review" and reason:
        return PRICING_FAILED, {}
    if to_status == "incomplete" and reason:
        return MISSING_DOCUMENTS, {"note": reason}
    return "", {}


def _value(value: object) -> str:
    if isinstance(value, dict):  # a name in several languages
        language = (get_language() or "fr")[:2]
        return str(value.get(language) or value.get("fr") or next(iter(value.values()), ""))
    return str(value)


def note_text(code: str, params: Mapping[str, object] | None) -> tuple[str, str]:
    """(translated sentence, note as typed by a person or "") for a history note."""
    params = params or {}
    message = MESSAGES.get(code)
    if message is None:
        return "", ""
    values = {name: _value(value) for name, value in params.items() if name not in ("note", "kinds")}
    try:
        sentence = str(message) % values if "%(" in str(message) else str(message)
    except (KeyError, TypeError, ValueError):
        sentence = str(message)
    kinds = params.get("kinds")
    if isinstance(kinds, list | tuple) and kinds:
        from .models import DocumentKind

        labels = [str(DocumentKind(kind).label) if kind in DocumentKind.values else str(kind) for kind in kinds]
        sentence = f"{sentence} {', '.join(labels)}."
    return sentence, str(params.get("note", "") or "")


def change_note(change) -> tuple[str, str]:
    """What the timeline shows for a StatusChange: (sentence in the reader's language, typed note)."""
    code, params = change.reason_code, change.reason_params
    if not code and change.reason:
        code, params = legacy_code(change.reason, change.to_status)
        if not code:
            return "", change.reason
    return note_text(code, params)
