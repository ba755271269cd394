"""Receiving a provident request: online (the member's own requests) or at any unit's desk (all requests,
including the death of a member filed by the heirs). What intake refuses is refused with a clear message and
nothing is stored; a request missing a document is `incomplete` and is liquidated once complete."""

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.uploads import CheckedScan, scan_check
from members.identifiers import normalize_cin, normalize_iban, validate_cin, validate_moroccan_iban
from members.models import Beneficiary, Member, Relation
from units.scoping import is_desk_staff

from ..models import (
    PER_HEIR_KINDS,
    BenefitCode,
    DocumentKind,
    Heir,
    HeirRelation,
    ProvidentDocument,
    ProvidentRequest,
    RequestChannel,
    RequestStatus,
)
from ..notice import provident_notice
from ..reference import required_kinds
from ..status import request_set_status

ONLINE_BENEFITS = (BenefitCode.RETIREMENT, BenefitCode.SPOUSE_DEATH, BenefitCode.CHILD_DEATH)
SHARE_RE = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")
MAX_DOCUMENTS = 40


@dataclass(frozen=True)
class HeirInput:
    first_name: str
    last_name: str
    cin: str
    relation: str
    iban: str
    share: str  # "7/24", from the heirs certificate


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    upload: UploadedFile
    heir: int | None = None  # position (1, 2...) of the heir it belongs to, for an heir's CIN or bank details


def parse_share(raw: str) -> Fraction:
    match = SHARE_RE.match(raw or "")
    if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise ValidationError(_("Write the share as on the heirs certificate, a positive fraction such as 1/8 or "
                                "7/24."), code="share")
    return Fraction(int(match.group(1)), int(match.group(2)))


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _check_heirs(heirs: list[HeirInput]) -> list[dict]:
    if not heirs:
        raise _field_error("heirs", _("Name every heir of the heirs certificate, with his share and IBAN."),
                           "required")
    cleaned, errors = [], {}
    for position, heir in enumerate(heirs, 1):
        try:
            cin = normalize_cin(heir.cin)
            validate_cin(cin)
            validate_moroccan_iban(heir.iban)
            share = parse_share(heir.share)
            if heir.relation not in HeirRelation.values:
                raise ValidationError(_("Choose the heir's relation to the member."), code="relation")
            if not heir.first_name.strip() or not heir.last_name.strip():
                raise ValidationError(_("Write the heir's first and last names."), code="name")
        except ValidationError as error:
            errors[f"heirs[{position}]"] = error.messages
            continue
        cleaned.append({"position": position, "first_name": heir.first_name.strip()[:100],
                        "last_name": heir.last_name.strip()[:100], "cin": cin, "relation": heir.relation,
                        "iban": normalize_iban(heir.iban), "share_numerator": share.numerator,
                        "share_denominator": share.denominator})
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_deceased(member: Member, benefit: str, deceased: Beneficiary | None) -> None:
    if benefit not in (BenefitCode.SPOUSE_DEATH, BenefitCode.CHILD_DEATH):
        return
    wanted = Relation.SPOUSE if benefit == BenefitCode.SPOUSE_DEATH else Relation.CHILD
    if deceased is None or deceased.member_id != member.pk or deceased.relation != wanted:
        raise _field_error("deceased", _("Choose the deceased among the member's own %(relation)s "
                                         "beneficiaries.") % {"relation": Relation(wanted).label.lower()},
                           "deceased")


def _check_scans(documents: list[DocumentInput], heir_count: int) -> list[tuple[DocumentInput, CheckedScan]]:
    if len(documents) > MAX_DOCUMENTS:
        raise _field_error("documents", _("A request holds at most %(count)d documents.") % {"count": MAX_DOCUMENTS},
                           "too_many")
    checked = []
    for document in documents:
        if document.kind not in DocumentKind.values:
            raise _field_error("documents", _("Choose what each document is."), "kind")
        if document.kind in PER_HEIR_KINDS and not (document.heir and 1 <= document.heir <= heir_count):
            raise _field_error("documents", _("Say which heir this document belongs to."), "heir")
        checked.append((document, scan_check(document.upload)))
    return checked


def _store(request: ProvidentRequest, document: DocumentInput, scan: CheckedScan, by, heirs: dict[int, Heir]):
    stored = ProvidentDocument(request=request, kind=document.kind, heir=heirs.get(document.heir or 0),
                               original_name=scan.display_name, content_type=scan.content_type, size=scan.size,
                               sha256=scan.sha256, uploaded_by=by)
    document.upload.seek(0)
    stored.file.save(scan.storage_name(), scan.content(document.upload), save=False)
    name = stored.file.name
    try:
        stored.save()
    except Exception:
        if name:
            stored.file.storage.delete(name)
        raise
    return stored


def missing_documents(request: ProvidentRequest) -> list[tuple[str, Heir | None]]:
    """The (kind, heir) pairs the reference data requires and the request lacks."""
    present = {(d.kind, d.heir_id) for d in request.documents.all()}
    kinds = {kind for kind, _ in present}
    missing: list[tuple[str, Heir | None]] = []
    for kind in required_kinds(benefit=request.benefit, on=request.event_date):
        if kind in PER_HEIR_KINDS:
            missing += [(kind, heir) for heir in request.heirs.all() if (kind, heir.pk) not in present]
        elif kind not in kinds:
            missing.append((kind, None))
    return missing


def _queue_liquidation(request_id: int) -> None:
    """An outbox row of this transaction: published on commit, or by the relay after a broker outage."""
    from outbox.services import outbox_enqueue

    outbox_enqueue(task="provident.tasks.liquidate_provident_request", args=[request_id])


def _move_by_completeness(request: ProvidentRequest, by) -> None:
    missing = missing_documents(request)
    if missing and request.status == RequestStatus.RECEIVED:
        listed = ", ".join(f"{kind}{f' (heir {heir.position})' if heir else ''}" for kind, heir in missing)
        request_set_status(request=request, to_status=RequestStatus.INCOMPLETE, by=by,
                           reason=f"Missing: {listed}")
    elif not missing and request.status == RequestStatus.INCOMPLETE:
        request_set_status(request=request, to_status=RequestStatus.RECEIVED, by=by, reason="Documents complete.")
    if request.status == RequestStatus.RECEIVED:
        _queue_liquidation(request.pk)


def request_create(*, by, member: Member, benefit: str, event_date: date, channel: str,
                   received_on: date | None = None, deceased: Beneficiary | None = None,
                   heirs: list[HeirInput] | None = None, documents: list[DocumentInput] | None = None,
                   unit=None, contact_name: str = "", contact_phone: str = "", language: str = "") -> ProvidentRequest:
    """Registers a provident request with its heirs and scans, all or nothing. Online, a member files his own
    retirement or a beneficiary's death; at a desk, staff file any request for any member."""
    today = timezone.localdate()
    received_on = received_on or today
    heirs, documents = list(heirs or []), list(documents or [])
    if channel == RequestChannel.ONLINE:
        if member.user_id is None or member.user_id != getattr(by, "pk", None):
            raise PermissionDenied(_("A member files only his own requests online."))
        if benefit not in ONLINE_BENEFITS:
            raise _field_error("benefit", _("The death allowance of a member is filed by the heirs at a unit's "
                                            "desk."), "desk_only")
        received_on = today
    elif channel == RequestChannel.FRONT_DESK:
        if not is_desk_staff(by):
            raise PermissionDenied(_("Only a unit's staff register requests at a desk."))
    else:
        raise _field_error("channel", _("Unknown channel."), "channel")
    if benefit not in BenefitCode.values:
        raise _field_error("benefit", _("Choose the allowance asked for."), "benefit")
    if received_on > today:
        raise _field_error("received_on", _("The date received cannot be in the future."), "future")
    if event_date > received_on:
        raise _field_error("event_date", _("The date of the event cannot be after the date the request is "
                                           "received."), "event_after_receipt")
    _check_deceased(member, benefit, deceased)
    cleaned_heirs = _check_heirs(heirs) if benefit == BenefitCode.MEMBER_DEATH else []
    scans = _check_scans(documents, len(cleaned_heirs))
    language = language or (getattr(by, "language", "") if channel == RequestChannel.ONLINE else "") or "ar"
    with transaction.atomic():
        request = ProvidentRequest.objects.create(
            member=member, benefit=benefit, event_date=event_date, received_on=received_on,
            deceased=deceased if benefit in (BenefitCode.SPOUSE_DEATH, BenefitCode.CHILD_DEATH) else None,
            channel=channel, unit=unit, registered_by=by if by and by.is_authenticated else None,
            contact_name=contact_name.strip()[:210], contact_phone=contact_phone.strip()[:20], language=language)
        from ..models import ProvidentStatusChange

        ProvidentStatusChange.objects.create(request=request, to_status=RequestStatus.RECEIVED, changed_by=by,
                                             reason=f"Received ({channel}).")
        provident_notice(request=request, to_status=RequestStatus.RECEIVED)
        created = {h["position"]: Heir.objects.create(request=request, **h) for h in cleaned_heirs}
        for document, scan in scans:
            _store(request, document, scan, by, created)
        _move_by_completeness(request, by)
    return request


def document_add(*, request: ProvidentRequest, by, kind: str, upload: UploadedFile,
                 heir: Heir | None = None) -> ProvidentDocument:
    """Adds a scan to a request still waiting for documents; a request that becomes complete is liquidated."""
    position = heir.position if heir else None
    ((document, scan),) = _check_scans([DocumentInput(kind=kind, upload=upload, heir=position)],
                                       request.heirs.count())
    with transaction.atomic():
        request = ProvidentRequest.objects.select_for_update().get(pk=request.pk)
        if request.status not in (RequestStatus.RECEIVED, RequestStatus.INCOMPLETE):
            raise ValidationError(_("Documents can no longer be added to this request."), code="closed")
        stored = _store(request, document, scan, by, {heir.position: heir} if heir else {})
        _move_by_completeness(request, by)
    return stored
