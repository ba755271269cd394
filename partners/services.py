"""Writes of the partners app: the coverage check, prior agreement requests and their decision, invoices.

Every refusal is a ValidationError a provider's staff can act on; nothing is stored when one is raised. An
invoice becomes a claim file (channel `provider`) received today and queued for the same liquidation worker as
every other file, so the beneficiary's history, frequency limits, ceilings and duplicates all see it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import (
    Act,
    AgreementStatus,
    Attachment,
    Channel,
    ClaimFile,
    ClaimLine,
    ClaimStatus,
    DocumentKind,
    PriorAgreement,
)
from claims.models.files import tracking_code_new
from claims.services.agreements import prior_agreement_request
from claims.services.documents import after_received, missing_documents, missing_labels
from claims.status import claim_set_status
from claims.uploads import scan_check
from members.models import Beneficiary

from .models import AgreementDocument, AgreementRequest, Invoice, Provider

CENT = Decimal("0.01")
MAX_LINES = 40
MAX_DOCUMENTS = 10
MAX_AMOUNT = Decimal("1E10")


@dataclass(frozen=True)
class CoverageAnswer:
    """All a provider learns: covered on that day or not, and with the complementary cover or not."""

    on: date
    covered: bool
    complementary: bool


@dataclass(frozen=True)
class InvoiceLine:
    act_code: str
    care_date: date
    quantity: int
    billed_amount: Decimal


def today() -> date:
    return timezone.localdate()


# --- the beneficiary behind a membership number and a birth date ----------------------------------------------


def beneficiary_find(*, membership_number: str, birth_date: date) -> Beneficiary | None:
    """The beneficiary of our mutual with this birth date on this member's card, or None. A sister mutual's
    member is not ours to cover: None too, with no hint that the number exists."""
    number = (membership_number or "").strip().upper()
    if not number or len(number) > 10:
        return None
    return (Beneficiary.objects.select_related("member__mutual")
            .filter(member__membership_number=number, member__mutual__is_ours=True, birth_date=birth_date)
            .order_by("relation", "pk").first())


def _covered(beneficiary: Beneficiary, on: date) -> CoverageAnswer:
    from members.selectors import beneficiary_eligibility, member_coverage

    coverage = member_coverage(member=beneficiary.member, on=on)
    eligible = coverage.covered and beneficiary_eligibility(beneficiary=beneficiary, on=on).eligible
    return CoverageAnswer(on=on, covered=eligible, complementary=eligible and coverage.complementary)


def coverage_check(*, membership_number: str, birth_date: date, on: date) -> CoverageAnswer:
    """Covered on `on`? An unknown number, a wrong birth date and a person not covered give the same answer."""
    beneficiary = beneficiary_find(membership_number=membership_number, birth_date=birth_date)
    if beneficiary is None:
        return CoverageAnswer(on=on, covered=False, complementary=False)
    return _covered(beneficiary, on)


# --- checks --------------------------------------------------------------------------------------------------


def _amount_error(amount) -> str | None:
    try:
        finite = isinstance(amount, Decimal) and amount.is_finite()
    except InvalidOperation:  # pragma: no cover
        finite = False
    if not finite:
        return _("Enter the amount in dirhams, for example 150.00.")
    if amount <= 0:
        return _("The amount must be above 0.")
    if amount != amount.quantize(CENT):
        return _("The amount can have at most 2 decimals (centimes).")
    if amount >= MAX_AMOUNT:
        return _("This amount is too large.")
    return None


def _convention_error(provider: Provider, act_code: str, day: date) -> str | None:
    convention = provider.convention_on(day)
    if convention is None:
        return _("%(provider)s has no convention with the mutual in force on %(day)s.") % {
            "provider": provider.name, "day": day.isoformat()}
    if not any(act.code == act_code for act in convention.acts.all()):
        return _("The convention of %(provider)s does not cover the act %(code)s.") % {
            "provider": provider.name, "code": act_code}
    return None


def _beneficiary_or_error(membership_number: str, birth_date: date | None) -> Beneficiary:
    beneficiary = beneficiary_find(membership_number=membership_number, birth_date=birth_date) if birth_date else None
    if beneficiary is None:
        raise ValidationError({"membership_number": _(
            "No beneficiary of the mutual matches this membership number and birth date.")}, code="not_found")
    return beneficiary


Document = UploadedFile | tuple[str, UploadedFile]


def document_kinds(documents: Sequence[Document]) -> list[tuple[str, UploadedFile]]:
    """(kind, scan) pairs; a bare scan is the invoice itself."""
    return [item if isinstance(item, tuple) else (DocumentKind.INVOICE, item) for item in documents]


def _documents_store(*, agreement: PriorAgreement | None = None, claim: ClaimFile | None = None,
                     documents: Sequence[Document], by) -> None:
    """Checks every scan first (a bad one refuses them all), then stores them under generated names."""
    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": _("At most %(count)d documents.") % {"count": MAX_DOCUMENTS}})
    checked = []
    for kind, upload in document_kinds(documents):
        try:
            checked.append((kind, upload, scan_check(upload)))
        except ValidationError as error:
            raise ValidationError({"documents": error.messages}, code="bad_document") from error
    stored = []
    try:
        for kind, upload, scan in checked:
            upload.seek(0)
            if claim is not None:
                row = Attachment(claim=claim, kind=kind, original_name=scan.display_name,
                                 content_type=scan.content_type, size=scan.size, sha256=scan.sha256, uploaded_by=by)
            else:
                row = AgreementDocument(agreement=agreement, original_name=scan.display_name,
                                        content_type=scan.content_type, size=scan.size, sha256=scan.sha256,
                                        uploaded_by=by)
            row.file.save(scan.storage_name(), scan.content(upload), save=False)
            stored.append(row.file)
            row.save()
    except Exception:
        for field in stored:  # the rows roll back with the transaction; the bytes on disk go with them
            field.storage.delete(field.name)
        raise


# --- prior agreements ----------------------------------------------------------------------------------------


@transaction.atomic
def agreement_request_create(*, provider: Provider, by, membership_number: str, birth_date: date | None,
                             act_code: str, planned_from: date | None, planned_to: date | None, quantity: int,
                             estimated_amount: Decimal, notes: str = "", documents: Sequence[UploadedFile] = (),
                             identifier: str = "") -> tuple[PriorAgreement, bool]:
    """A provider asks for a prior agreement (prise en charge) before a stay. Returns (agreement, created): the
    same provider identifier given twice returns the first request (a retried FHIR call)."""
    identifier = (identifier or "").strip()[:64]
    if identifier:
        existing = AgreementRequest.objects.filter(provider=provider, identifier=identifier).first()
        if existing is not None:
            return existing.agreement, False
    errors: dict[str, list[str]] = {}
    beneficiary = None
    try:
        beneficiary = _beneficiary_or_error(membership_number, birth_date)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not Act.objects.filter(code=act_code).exists():
        errors["act_code"] = [_("Unknown act code “%(code)s”: choose the care from the list.") % {"code": act_code}]
    if planned_from is None or planned_to is None:
        errors["planned_from"] = [_("Enter the planned dates of the stay.")]
    elif planned_to < planned_from:
        errors["planned_to"] = [_("The planned end is before the planned start.")]
    elif "act_code" not in errors:
        error = _convention_error(provider, act_code, planned_from)
        if error:
            errors["act_code"] = [error]
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        errors["quantity"] = [_("The quantity must be a whole number of at least 1.")]
    amount_error = _amount_error(estimated_amount)
    if amount_error:
        errors["estimated_amount"] = [amount_error]
    if not documents:
        errors["documents"] = [_("Attach the medical documents that justify the request.")]
    if errors:
        raise ValidationError(errors)
    convention = provider.convention_on(planned_from)
    agreement = prior_agreement_request(beneficiary=beneficiary, act_codes=[act_code], valid_from=planned_from,
                                        valid_to=planned_to, notes=notes.strip()[:2000])
    try:
        with transaction.atomic():
            AgreementRequest.objects.create(
                agreement=agreement, provider=provider, act_id=act_code, planned_from=planned_from,
                planned_to=planned_to, quantity=quantity, estimated_amount=estimated_amount, requested_by=by,
                decision_due_at=timezone.now() + timedelta(hours=convention.decision_hours), identifier=identifier)
    except IntegrityError:  # the same identifier sent twice at once: the other request won
        transaction.set_rollback(True)
        return AgreementRequest.objects.get(provider=provider, identifier=identifier).agreement, False
    _documents_store(agreement=agreement, documents=documents, by=by)
    return agreement, True


# --- invoices ------------------------------------------------------------------------------------------------


def _invoice_errors(provider: Provider, agreement: PriorAgreement | None, lines: Sequence[InvoiceLine],
                    on: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if agreement is None:
        errors["agreement"] = [_("No prior agreement of yours has this reference.")]
    elif agreement.status != AgreementStatus.GRANTED:
        errors["agreement"] = [_("Prior agreement %(reference)s is not granted.") % {"reference": agreement.reference}]
    if not lines:
        errors["lines"] = [_("Enter at least one line of care.")]
    elif len(lines) > MAX_LINES:
        errors["lines"] = [_("A file holds at most %(count)d lines; file the rest separately.") % {"count": MAX_LINES}]
    known = set(Act.objects.filter(code__in={line.act_code for line in lines}).values_list("code", flat=True))
    birth = agreement.beneficiary.birth_date if agreement is not None else None
    for index, line in enumerate(lines[:MAX_LINES]):
        def refuse(field: str, message: str, index: int = index) -> None:
            errors.setdefault(f"lines.{index}.{field}", []).append(message)

        if line.act_code not in known:
            refuse("act_code", _("Unknown act code “%(code)s”: choose the care from the list.") % {
                "code": line.act_code})
        elif (error := _convention_error(provider, line.act_code, line.care_date)) is not None:
            refuse("act_code", error)
        if line.care_date > on:
            refuse("care_date", _("The care date cannot be in the future."))
        elif line.care_date < date(1900, 1, 1) or (birth is not None and line.care_date < birth):
            refuse("care_date", _("The care date is before the beneficiary's birth."))
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) or line.quantity < 1:
            refuse("quantity", _("The quantity must be a whole number of at least 1."))
        if (error := _amount_error(line.billed_amount)) is not None:
            refuse("billed_amount", error)
    return errors


def _file_create(**fields) -> ClaimFile:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ClaimFile.objects.create(tracking_code=tracking_code_new(), **fields)
        except IntegrityError:  # a tracking code collision (astronomically rare)
            continue
    raise RuntimeError("could not create a claim file")  # pragma: no cover


@transaction.atomic
def invoice_create(*, provider: Provider, by, agreement_reference: str, number: str, lines: Sequence[InvoiceLine],
                   documents: Sequence[Document]) -> tuple[Invoice, bool]:
    """A provider bills the mutual for care under a granted agreement. Returns (invoice, created): the same
    invoice number sent again returns the first invoice and stores nothing new.

    `documents` are scans, each the invoice itself or a (kind, scan) pair (care sheet, prescription...): the
    documents the lines' categories need (claims.services.documents) must all be there, so the file is priced at
    once (documents before pricing)."""
    number = (number or "").strip()
    if not number or len(number) > 64:
        raise ValidationError({"number": _("Enter your invoice number (at most 64 characters).")})
    existing = Invoice.objects.select_related("claim").filter(provider=provider, number=number).first()
    if existing is not None:
        return existing, False
    agreement = (PriorAgreement.objects.select_related("beneficiary__member").prefetch_related("acts")
                 .filter(reference=(agreement_reference or "").strip()[:32], provider_request__provider=provider)
                 .first())
    on = today()
    errors = _invoice_errors(provider, agreement, lines, on)
    if not documents:
        errors["documents"] = [_("Attach the invoice document.")]
    elif not errors:
        missing = missing_documents(lines=[(line.act_code, line.care_date) for line in lines],
                                    present=[kind for kind, _scan in document_kinds(documents)])
        if missing:
            errors["documents"] = [_("Attach also: %(documents)s.") % {
                "documents": "; ".join(missing_labels([need.as_dict() for need in missing]))}]
    if errors:
        raise ValidationError(errors)
    agreed_acts = {act.code for act in agreement.acts.all()}
    beneficiary = agreement.beneficiary
    claim = _file_create(
        member=beneficiary.member, beneficiary=beneficiary, status=ClaimStatus.DRAFT, channel=Channel.PROVIDER,
        sector=provider.sector, provider_name=provider.name[:200], provider_ref=provider.inpe, received_on=on,
        total_billed=sum((line.billed_amount for line in lines), Decimal("0.00")), created_by=by)
    ClaimLine.objects.bulk_create([
        ClaimLine(claim=claim, position=index, act_id=line.act_code, care_date=line.care_date, quantity=line.quantity,
                  billed_amount=line.billed_amount,
                  prior_agreement_ref=agreement.reference if line.act_code in agreed_acts else "")
        for index, line in enumerate(lines, start=1)])
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(claim=claim, provider=provider, agreement=agreement, number=number,
                                             created_by=by)
    except IntegrityError:  # the same number sent twice at once: the other one won, this one stores nothing
        transaction.set_rollback(True)
        return Invoice.objects.select_related("claim").get(provider=provider, number=number), False
    _documents_store(claim=claim, documents=documents, by=by)
    claim_set_status(claim=claim, to_status=ClaimStatus.RECEIVED, by=by,
                     reason=_("Invoice %(number)s of %(provider)s.") % {"number": number, "provider": provider.name})
    after_received(claim, by=by)  # queued for the liquidation worker through the outbox, like any received file
    return invoice, True
