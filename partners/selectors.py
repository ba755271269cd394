"""Reads of the partners app. Everything a provider's account reads starts from its provider, so another
provider's objects are simply not found (404)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from claims.models import ClaimLine, PriorAgreement
from claims.reason_messages import REASON_MESSAGES

from .models import Invoice, Provider, ProviderAccount

ZERO = Decimal("0.00")


def provider_of(user) -> Provider | None:
    """The provider a signed-in account works for, or None. Cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_provider"):
        account = ProviderAccount.objects.select_related("provider").filter(user=user, user__is_active=True).first()
        user._provider = account.provider if account else None
    return user._provider


def agreements_of(*, provider: Provider) -> QuerySet[PriorAgreement]:
    return (PriorAgreement.objects.filter(provider_request__provider=provider)
            .select_related("provider_request__act", "beneficiary")
            .prefetch_related("acts", "provider_documents").order_by("-requested_at", "-pk"))


def invoices_of(*, provider: Provider) -> QuerySet[Invoice]:
    return (Invoice.objects.filter(provider=provider)
            .select_related("claim", "agreement", "claim__paid_file__transfer__batch")
            .order_by("-created_at", "-pk"))


@dataclass(frozen=True)
class Countdown:
    due_at: datetime
    seconds_left: int

    @property
    def overdue(self) -> bool:
        return self.seconds_left < 0

    @property
    def hours_left(self) -> int:
        return abs(self.seconds_left) // 3600

    @property
    def minutes_left(self) -> int:
        return abs(self.seconds_left) % 3600 // 60


def countdown(*, due_at: datetime, now: datetime | None = None) -> Countdown:
    now = now or timezone.now()
    return Countdown(due_at=due_at, seconds_left=int((due_at - now).total_seconds()))


@dataclass(frozen=True)
class DecidedLine:
    position: int
    act_code: str
    care_date: date
    quantity: int
    billed: Decimal
    base: Decimal
    amo: Decimal
    complementary: Decimal
    member_share: Decimal
    accepted: bool | None
    reasons: tuple[str, ...]
    reason_texts: tuple[str, ...]

    @property
    def paid_by_mutual(self) -> Decimal:
        return self.amo + self.complementary


def decided_lines(*, claim_lines: list[ClaimLine]) -> list[DecidedLine]:
    """Each line's chain of amounts; the member's share is billed − AMO − complementary."""
    rows = []
    for line in claim_lines:
        amo, comp = line.amo_amount or ZERO, line.complementary_amount or ZERO
        codes = tuple(line.reason_codes or ())
        rows.append(DecidedLine(line.position, line.act_id, line.care_date, line.quantity, line.billed_amount,
                                line.base_amount or ZERO, amo, comp, line.billed_amount - amo - comp, line.accepted,
                                codes, tuple(str(REASON_MESSAGES.get(code, code)) for code in codes)))
    return rows


def invoice_with_lines(*, provider: Provider, pk: int) -> Invoice:
    """One of the provider's invoices with its lines (Invoice.DoesNotExist for anyone else's)."""
    return (invoices_of(provider=provider)
            .prefetch_related(Prefetch("claim__lines", queryset=ClaimLine.objects.order_by("position")))
            .get(pk=pk))


@dataclass(frozen=True)
class StatementRow:
    invoice: Invoice
    billed: Decimal
    amo: Decimal
    complementary: Decimal
    member_share: Decimal
    batch_reference: str


@dataclass(frozen=True)
class Statement:
    provider: Provider
    month: date
    rows: list[StatementRow]

    def total(self, field: str) -> Decimal:
        return sum((getattr(row, field) for row in self.rows), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        """The column totals, for templates."""
        return {field: self.total(field) for field in ("billed", "amo", "complementary", "member_share")}


def month_statement(*, provider: Provider, month: date) -> Statement:
    """The invoices the provider sent in `month` (first day of the month), with their decided amounts."""
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    invoices = invoices_of(provider=provider).filter(claim__received_on__gte=start, claim__received_on__lt=end)
    rows = []
    for invoice in invoices.order_by("claim__received_on", "pk"):
        claim = invoice.claim
        paid = getattr(claim, "paid_file", None)
        rows.append(StatementRow(invoice, claim.total_billed, claim.total_amo, claim.total_complementary,
                                 claim.total_billed - claim.total_amo - claim.total_complementary,
                                 paid.transfer.batch.reference if paid else ""))
    return Statement(provider=provider, month=start, rows=rows)
