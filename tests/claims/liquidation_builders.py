"""Small builders for the liquidation tests (real rows, real database): a member of our mutual with an open
affiliation, his beneficiaries, and received files with lines."""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from claims.demo import seed_reference
from claims.models import ClaimFile, ClaimLine, ClaimStatus
from claims.services.liquidation_reference import reference_cache_clear
from members.identifiers import membership_number_from_sequence, moroccan_iban_from_rib
from members.models import AffiliationPeriod, Beneficiary, Member, Mutual

_seq = itertools.count(1)
D = Decimal


def reference() -> None:
    seed_reference()
    reference_cache_clear()


def mutual(*, ours: bool = True) -> Mutual:
    code = "ours" if ours else "sister"
    return Mutual.objects.get_or_create(code=code, defaults={"name_fr": code, "name_ar": code, "is_ours": ours})[0]


def member(*, ours: bool = True, iban: str | None = None, complementary: bool = True,
           since: date = date(2020, 1, 1)) -> Member:
    n = next(_seq)
    if iban is None:
        iban = moroccan_iban_from_rib(f"{n:024d}")
    m = Member.objects.create(
        mutual=mutual(ours=ours), membership_number=membership_number_from_sequence(800_000 + n), cin=f"LQ{n:06d}",
        first_name="Karim", last_name=f"Liq{n}", birth_date=date(1975, 6, 15), sex="M", iban=iban,
    )
    AffiliationPeriod.objects.create(member=m, start=since, end=None, complementary=complementary)
    Beneficiary.objects.create(member=m, relation="member", first_name=m.first_name, last_name=m.last_name,
                               birth_date=m.birth_date, sex="M")
    return m


def self_of(m: Member) -> Beneficiary:
    return m.beneficiaries.get(relation="member")


def received_file(beneficiary: Beneficiary, lines: list[tuple], *, received_on: date = date(2025, 3, 20),
                  sector: str = "private", created_at: datetime | None = None,
                  channel: str = "front_desk") -> ClaimFile:
    """`lines` are (act_code, care_date, quantity, billed) tuples, optionally with an ald flag."""
    n = next(_seq)
    claim = ClaimFile.objects.create(
        tracking_code=f"LQ{n:08d}", member=beneficiary.member, beneficiary=beneficiary, status=ClaimStatus.RECEIVED,
        channel=channel, sector=sector, received_on=received_on,
        total_billed=sum((D(str(line[3])) for line in lines), D("0.00")),
    )
    if created_at is not None:
        ClaimFile.objects.filter(pk=claim.pk).update(created_at=created_at)
    ClaimLine.objects.bulk_create([
        ClaimLine(claim=claim, position=i, act_id=line[0], care_date=line[1], quantity=line[2],
                  billed_amount=D(str(line[3])), ald=len(line) > 4 and line[4])
        for i, line in enumerate(lines, start=1)
    ])
    return claim


def consultation(day: date = date(2025, 3, 10), billed: str = "100.00") -> tuple:
    return ("C", day, 1, billed)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def now() -> datetime:
    return timezone.now()
