"""A realistic data set, generated with bulk inserts: members, beneficiaries, affiliations, claim files."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from claims.demo import seed_reference
from claims.models import Act, AgreementStatus, ClaimFile, ClaimLine, PriorAgreement
from claims.services.liquidation_reference import reference_cache_clear
from members.identifiers import membership_number_from_sequence, moroccan_iban_from_rib
from members.models import AffiliationPeriod, Beneficiary, Member, Mutual

# (act, weight, quantity range, billed range per unit)
ACTS = [
    ("C", 30, (1, 1), (80, 200)), ("CS", 15, (1, 1), (150, 400)), ("MED", 30, (1, 1), (20, 900)),
    ("B", 10, (20, 300), (1, 2)), ("Z", 5, (5, 60), (8, 14)), ("K", 4, (5, 80), (12, 30)), ("D", 3, (5, 40), (10, 20)),
    ("OPT-FRAME", 1, (1, 1), (300, 1200)), ("OPT-LENS", 1, (1, 2), (200, 900)), ("HOSP", 1, (1, 6), (700, 1500)),
    ("PAD", 1, (1, 1), (1500, 6000)),
]
CODES = [a[0] for a in ACTS]
WEIGHTS = [a[1] for a in ACTS]
SPEC = {a[0]: a for a in ACTS}
BATCH = 5000


class DatabaseNotEmpty(RuntimeError):
    """The data set is made for an empty database: its members take fixed numbers and CINs, and its counts and
    timings mean nothing over someone's data."""


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.2f}")


def generate(*, files: int, members: int, extra_draft_members: int = 0, seed: int = 2026) -> dict[str, int]:
    """`files` received files over `members` members; plus `extra_draft_members` members with one draft file
    each (for the worker measurements). Returns counts. Refuses, before writing anything, a database that already
    holds members or claim files."""
    if Member.objects.exists() or ClaimFile.objects.exists():
        raise DatabaseNotEmpty(
            "bench.dataset.generate needs an empty database: this one already holds members or claim files "
            "(make bench builds its own mutuelle_bench database)."
        )
    rng = random.Random(seed)
    seed_reference()
    reference_cache_clear()
    ours = Mutual.objects.get_or_create(code="ours", defaults={"name_fr": "M", "name_ar": "M", "is_ours": True})[0]
    sister = Mutual.objects.get_or_create(code="sister", defaults={"name_fr": "S", "name_ar": "S", "is_ours": False})[0]
    total_members = members + extra_draft_members
    member_rows = []
    for n in range(total_members):
        member_rows.append(Member(
            mutual=sister if rng.random() < 0.03 and n < members else ours,
            membership_number=membership_number_from_sequence(1_000_000 + n), cin=f"BE{n:06d}",
            first_name="Prenom", last_name=f"Nom{n}", birth_date=date(1960 + n % 35, 1 + n % 12, 1 + n % 28),
            sex="M" if n % 2 else "F", iban="" if rng.random() < 0.02 else moroccan_iban_from_rib(f"{n:024d}"),
        ))
    Member.objects.bulk_create(member_rows, batch_size=BATCH)
    member_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    AffiliationPeriod.objects.bulk_create([
        AffiliationPeriod(member_id=pk, start=date(2015, 1, 1), end=None, complementary=rng.random() < 0.9)
        for pk in member_ids
    ], batch_size=BATCH)
    beneficiaries = []
    for i, pk in enumerate(member_ids):
        birth = date(1960 + i % 35, 1 + i % 12, 1 + i % 28)
        beneficiaries.append(Beneficiary(member_id=pk, relation="member", first_name="P", last_name="N",
                                         birth_date=birth, sex="M"))
        if i < members:
            if rng.random() < 0.6:
                beneficiaries.append(Beneficiary(member_id=pk, relation="spouse", first_name="S", last_name="N",
                                                 birth_date=birth + timedelta(days=900), sex="F",
                                                 marriage_start=date(2000, 1, 1)))
            for c in range(rng.choice([0, 0, 1, 2, 3])):
                beneficiaries.append(Beneficiary(member_id=pk, relation="child", first_name=f"E{c}", last_name="N",
                                                 birth_date=date(2002 + rng.randint(0, 20), 6, 1), sex="F"))
    Beneficiary.objects.bulk_create(beneficiaries, batch_size=BATCH)
    rows = list(Beneficiary.objects.order_by("pk").values_list("pk", "member_id", "relation"))
    main_member_ids = set(member_ids[:members])
    pool = [(pk, member_id) for pk, member_id, _ in rows if member_id in main_member_ids]
    drafts = [(pk, member_id) for pk, member_id, relation in rows
              if member_id not in main_member_ids and relation == "member"]

    # Prior agreements for a share of beneficiaries, so HOSP and PAD lines are sometimes covered.
    hosp_pad = list(Act.objects.filter(code__in=["HOSP", "PAD"]))
    agreements = [PriorAgreement(reference=f"PA-B-{pk}", beneficiary_id=pk, status=AgreementStatus.GRANTED,
                                 valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31))
                  for pk, _ in pool if rng.random() < 0.2]
    PriorAgreement.objects.bulk_create(agreements, batch_size=BATCH)
    through = PriorAgreement.acts.through
    links = [through(prioragreement_id=a.pk, act_id=act.pk) for a in agreements for act in hosp_pad]
    through.objects.bulk_create(links, batch_size=BATCH)

    def file_rows(targets, status, count):
        out = []
        for n in range(count):
            pk, member_id = targets[n] if status == "draft" else rng.choice(targets)
            received = date(2025, 1, 1) + timedelta(days=rng.randint(0, 330))
            sector = "public" if rng.random() < 0.3 else "private"
            out.append((ClaimFile(tracking_code="", member_id=member_id, beneficiary_id=pk, status=status,
                                  channel="online", sector=sector, received_on=received), received))
        return out

    created = 0
    for status, targets, count in (("received", pool, files), ("draft", drafts, len(drafts))):
        for start in range(0, count, BATCH):
            chunk = file_rows(targets, status, min(BATCH, count - start))
            for claim, _ in chunk:
                claim.tracking_code = f"{status[0].upper()}{created:09d}"
                created += 1
            ClaimFile.objects.bulk_create([c for c, _ in chunk])
            lines = []
            for claim, received in chunk:
                for position in range(1, rng.randint(1, 5) + 1):
                    code = rng.choices(CODES, WEIGHTS)[0]
                    _, _, (qlo, qhi), (blo, bhi) = SPEC[code]
                    quantity = rng.randint(qlo, qhi)
                    care = received - timedelta(days=rng.choice([0, 1, 2, 5, 10, 20, 30, 45, 58, 62, 90]))
                    billed = _money(rng, blo * quantity, bhi * quantity)
                    lines.append(ClaimLine(claim_id=claim.pk, position=position, act_id=code, care_date=care,
                                           quantity=quantity, billed_amount=billed))
            ClaimLine.objects.bulk_create(lines, batch_size=BATCH)
    ClaimFile.objects.filter(status="draft").update(updated_at=timezone.now())
    return {"members": total_members, "beneficiaries": len(rows), "files": files,
            "lines": ClaimLine.objects.filter(claim__status="received").count(), "drafts": len(drafts)}


def _lines_for(claim: ClaimFile, received: date, rng: random.Random, count: int, *, spread: list[int]) -> list:
    lines = []
    for position in range(1, count + 1):
        code = rng.choices(CODES, WEIGHTS)[0]
        _, _, (qlo, qhi), (blo, bhi) = SPEC[code]
        quantity = rng.randint(qlo, qhi)
        lines.append(ClaimLine(claim_id=claim.pk, position=position, act_id=code,
                               care_date=received - timedelta(days=rng.choice(spread)), quantity=quantity,
                               billed_amount=_money(rng, blo * quantity, bhi * quantity)))
    return lines


def history_generate(*, members: int, history: int = 20, pending: int = 3, seed: int = 7) -> list[list[int]]:
    """`members` members (ours, covered, one beneficiary each) with `history` received files over 2025, which
    the bulk run prices into their history, and `pending` draft files received in December, which the per-file
    measurement moves to `received`. Returns each beneficiary's pending file ids in liquidation order."""
    rng = random.Random(seed)
    ours = Mutual.objects.get(code="ours")
    people = Member.objects.bulk_create([
        Member(mutual=ours, membership_number=membership_number_from_sequence(5_000_000 + n), cin=f"HI{n:06d}",
               first_name="Prenom", last_name=f"Hist{n}", birth_date=date(1970 + n % 30, 1 + n % 12, 1),
               sex="MF"[n % 2], iban=moroccan_iban_from_rib(f"9{n:023d}"))
        for n in range(members)
    ], batch_size=BATCH)
    AffiliationPeriod.objects.bulk_create([AffiliationPeriod(member=m, start=date(2015, 1, 1)) for m in people],
                                          batch_size=BATCH)
    selves = Beneficiary.objects.bulk_create([
        Beneficiary(member=m, relation="member", first_name="P", last_name="H", birth_date=m.birth_date, sex=m.sex)
        for m in people
    ], batch_size=BATCH)
    files, dates = [], []
    for n, person in enumerate(selves):
        for k in range(history + pending):
            is_pending = k >= history
            received = date(2025, 12, 1) + timedelta(days=k - history) if is_pending else \
                date(2025, 1, 1) + timedelta(days=k * 330 // history + rng.randint(0, 10))
            files.append(ClaimFile(tracking_code=f"{'P' if is_pending else 'H'}{n:06d}{k:02d}",
                                   member_id=person.member_id, beneficiary=person,
                                   status="draft" if is_pending else "received", channel="online",
                                   sector="private", received_on=received))
            dates.append(received)
    ClaimFile.objects.bulk_create(files, batch_size=BATCH)
    lines = []
    for claim, received in zip(files, dates, strict=True):
        lines.extend(_lines_for(claim, received, rng, rng.randint(1, 5), spread=[0, 1, 2, 5, 10, 20]))
    ClaimLine.objects.bulk_create(lines, batch_size=BATCH)
    per_beneficiary: dict[int, list[int]] = {}
    for claim in files:
        if claim.status == "draft":
            per_beneficiary.setdefault(claim.beneficiary_id, []).append(claim.pk)
    return list(per_beneficiary.values())
