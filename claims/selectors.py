"""Reads about claim files: the member's files, the staff's files, a file's page, tracking, forwarding slips."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import Beneficiary, Member, Mutual, StudentPeriod
from units.scoping import is_network_staff, units_for

from .models import (
    Act,
    ActVersion,
    Attachment,
    ClaimFile,
    ClaimLine,
    ClaimStatus,
    DocumentKind,
    StatusChange,
)
from .models.files import tracking_code_normalize
from .reason_messages import REASON_MESSAGES

FILING_DEADLINE_DAYS = 60  # docs/liquidation.md rule 3; the authoritative value is RuleParameters.late_filing_days


def today() -> date:
    return timezone.localdate()


# --- scoping: whose files a user may reach ------------------------------------------------------------------


def claims_for_member(*, member: Member) -> QuerySet[ClaimFile]:
    """Every file of `member`, newest first, beneficiary loaded."""
    return ClaimFile.objects.filter(member=member).select_related("beneficiary").order_by("-created_at", "-id")


def claims_for_staff(*, user) -> QuerySet[ClaimFile]:
    """Files a staff account may reach: network staff (liquidators, admins) every file; front-desk agents and
    managers the files received at their units, and online files of members whose home unit is theirs."""
    files = ClaimFile.objects.exclude(status=ClaimStatus.DRAFT)
    if user.is_authenticated and is_network_staff(user):
        return files
    units = units_for(user)
    return files.filter(Q(unit__in=units) | Q(unit__isnull=True, member__home_unit__in=units))


# --- lists -----------------------------------------------------------------------------------------------------


# What a row of the member's lists shows (claims/member/list.html, members/dashboard.html): reading only these columns
# spares the ORM most of a file's and a beneficiary's columns on every row.
MEMBER_ROW_FIELDS = ("id", "tracking_code", "status", "received_on", "total_billed", "total_reimbursed",
                     "liquidated_at", "created_at", "beneficiary__id", "beneficiary__first_name",
                     "beneficiary__last_name", "beneficiary__first_name_ar", "beneficiary__last_name_ar")


def member_claim_list(*, member: Member, status: str = "", beneficiary_id: int | None = None) -> QuerySet[ClaimFile]:
    """The member's files as the lists show them (MEMBER_ROW_FIELDS only), newest first."""
    files = claims_for_member(member=member).only(*MEMBER_ROW_FIELDS)
    if status:
        files = files.filter(status=status)
    if beneficiary_id:
        files = files.filter(beneficiary_id=beneficiary_id)
    return files


# --- a file's page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    care_date: date
    due_on: date
    days_left: int

    @property
    def late(self) -> bool:
        return self.days_left < 0

    @property
    def urgent(self) -> bool:
        return 0 <= self.days_left <= 10


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: Promise
    why: Promise
    done: bool


@dataclass
class ClaimPage:
    claim: ClaimFile
    lines: list[ClaimLine]
    attachments: list[Attachment]
    changes: list[StatusChange]
    deadlines: list[DeadlineRow] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)

    @property
    def billed_total(self) -> Decimal:
        return sum((line.billed_amount for line in self.lines), Decimal("0.00"))

    @property
    def remaining_total(self) -> Decimal:
        """What the member keeps paying for the whole file: billed − reimbursed (stored amounts)."""
        return self.billed_total - self.claim.total_reimbursed

    @property
    def liquidated(self) -> bool:
        return self.claim.liquidated_at is not None and any(line.accepted is not None for line in self.lines)


def _claim_with_details() -> QuerySet[ClaimFile]:
    return ClaimFile.objects.select_related("member__mutual", "beneficiary", "unit").prefetch_related(
        Prefetch("lines", queryset=ClaimLine.objects.select_related("act").order_by("position")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("changed_at", "id")),
    )


def claim_page(*, files: QuerySet[ClaimFile], pk: int, on: date | None = None) -> ClaimPage | None:
    """A file with its lines, attachments, timeline, filing deadlines and documents checklist, in a constant
    number of queries. `files` is the caller's scope (claims_for_member / claims_for_staff)."""
    claim = _claim_with_details().filter(pk__in=files.values("pk")).filter(pk=pk).first()
    if claim is None:
        return None
    lines = list(claim.lines.all())
    attachments = list(claim.attachments.all())
    page = ClaimPage(claim=claim, lines=lines, attachments=attachments, changes=list(claim.status_changes.all()))
    for line in lines:
        line.reasons = [REASON_MESSAGES.get(code, code) for code in line.reason_codes or []]
    if page.liquidated:
        from .explanations import category_names, line_explanation
        from .models import Category

        names = category_names(Category.objects.all())
        for line in lines:
            line.why = line_explanation(line, names)
    page.deadlines = filing_deadlines(care_dates=[line.care_date for line in lines], on=on or today())
    page.checklist = document_checklist(act_codes=[line.act_id for line in lines], attachments=attachments)
    return page


def filing_deadlines(*, care_dates: list[date], on: date) -> list[DeadlineRow]:
    rows = []
    for care_date in sorted(set(care_dates)):
        due_on = care_date + timedelta(days=FILING_DEADLINE_DAYS)
        rows.append(DeadlineRow(care_date=care_date, due_on=due_on, days_left=(due_on - on).days))
    return rows


# Which documents each category of care needs, beyond the care sheet every file needs.
CATEGORY_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "MEDICINE": (DocumentKind.PRESCRIPTION, DocumentKind.MEDICINE_LABEL),
    "LABORATORY": (DocumentKind.PRESCRIPTION, DocumentKind.REPORT),
    "IMAGING": (DocumentKind.PRESCRIPTION, DocumentKind.REPORT),
    "PROCEDURE": (DocumentKind.INVOICE,),
    "HOSPITAL": (DocumentKind.INVOICE, DocumentKind.REPORT),
    "OPTICS": (DocumentKind.PRESCRIPTION, DocumentKind.INVOICE),
    "DENTURE": (DocumentKind.INVOICE,),
}
DOCUMENT_WHY: dict[str, Promise] = {
    DocumentKind.CARE_SHEET: _("The care sheet filled in and stamped by the doctor."),
    DocumentKind.PRESCRIPTION: _("The doctor's prescription."),
    DocumentKind.MEDICINE_LABEL: _("The price labels (vignettes) of the medicines."),
    DocumentKind.REPORT: _("The results or the report of the examination or stay."),
    DocumentKind.INVOICE: _("The detailed invoice of the provider."),
}


def document_checklist(*, act_codes: list[str], attachments: list[Attachment]) -> list[ChecklistItem]:
    """The documents to attach for these acts (one query for the acts' categories)."""
    categories = set()
    if act_codes:
        categories = set(ActVersion.objects.filter(act__code__in=set(act_codes)).values_list("category__code",
                                                                                              flat=True))
    kinds: list[str] = [DocumentKind.CARE_SHEET]
    for category in sorted(categories):
        for kind in CATEGORY_DOCUMENTS.get(category, ()):
            if kind not in kinds:
                kinds.append(kind)
    attached = {attachment.kind for attachment in attachments}
    return [ChecklistItem(kind=kind, label=DocumentKind(kind).label, why=DOCUMENT_WHY[kind], done=kind in attached)
            for kind in kinds]


# --- filing helpers --------------------------------------------------------------------------------------------


def beneficiaries_with_eligibility(*, member: Member, on: date) -> list:
    """Every beneficiary of `member` with his eligibility on `on` (members.selectors.BeneficiaryEligibility)."""
    from members.selectors import RELATION_ORDER, beneficiary_eligibility, eligibility_reference

    reference = eligibility_reference()
    beneficiaries = Beneficiary.objects.filter(member=member).prefetch_related(
        Prefetch("student_periods", queryset=StudentPeriod.objects.order_by("start")))
    ordered = sorted(beneficiaries, key=lambda b: (RELATION_ORDER[b.relation], b.birth_date))
    return [beneficiary_eligibility(beneficiary=b, on=on, reference=reference) for b in ordered]


def act_choices() -> list[tuple[str, str]]:
    """The nomenclature for line forms, in the active language."""
    from django.utils.translation import get_language

    language = (get_language() or "fr")[:2]
    label = {"ar": "name_ar", "en": "name_en"}.get(language, "name_fr")
    return [(act.code, f"{act.code} — {getattr(act, label) or act.name_fr}") for act in Act.objects.order_by("code")]


# --- public tracking -------------------------------------------------------------------------------------------


def claim_track(*, code: str, birth_date: date | None) -> ClaimFile | None:
    """The file with this tracking code whose member was born on `birth_date`; None for any other combination
    (same answer whether the code exists or not)."""
    normalized = tracking_code_normalize(code or "")
    if normalized is None or birth_date is None:
        return None
    return (ClaimFile.objects.exclude(status=ClaimStatus.DRAFT)
            .filter(tracking_code=normalized, member__birth_date=birth_date).first())


# --- forwarding slip -------------------------------------------------------------------------------------------


@dataclass
class SlipGroup:
    mutual: Mutual
    files: list[ClaimFile]


def forwarding_slip(*, files: QuerySet[ClaimFile], day: date) -> list[SlipGroup]:
    """Files forwarded on `day` (local date of the move), grouped by the sister mutual they go to."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = start + timedelta(days=1)
    forwarded = (files.filter(status=ClaimStatus.FORWARDED,
                              status_changes__to_status=ClaimStatus.FORWARDED,
                              status_changes__changed_at__gte=start, status_changes__changed_at__lt=end)
                 .select_related("member__mutual", "beneficiary", "unit")
                 .prefetch_related(Prefetch("lines", queryset=ClaimLine.objects.order_by("position")))
                 .order_by("member__mutual__name_fr", "unit__code", "tracking_code"))
    groups: dict[int, SlipGroup] = {}
    for claim in forwarded:
        mutual = claim.member.mutual
        groups.setdefault(mutual.pk, SlipGroup(mutual=mutual, files=[])).files.append(claim)
    return list(groups.values())
