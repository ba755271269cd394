"""Builders of the provident tests: the worked examples' members, heirs, scans, staff (real rows)."""

import itertools
from datetime import date

from claims.demo import seed_reference
from members.identifiers import membership_number_from_sequence, moroccan_iban_from_rib
from members.models import AffiliationPeriod, Beneficiary, Member, Mutual, StudentPeriod
from provident.demo import seed_provident_reference
from provident.services.intake import DocumentInput, HeirInput
from tests.claims.factories import pdf_bytes, staff, unit, upload
from units.models import StaffRole

_seq = itertools.count(1)


def reference() -> None:
    seed_reference()
    seed_provident_reference()


def iban(n: int) -> str:
    return moroccan_iban_from_rib(f"{n:024d}")


def member(*, periods=((date(1990, 9, 1), date(2024, 2, 29), "retired"), (date(2024, 3, 1), None, "retired")),
           birth_date=date(1962, 3, 1), with_iban: bool = True, user=None) -> Member:
    """Member M of the worked examples by default: active 1990-09-01 → 2024-02-29, retired on 2024-03-01."""
    n = next(_seq)
    mutual = Mutual.objects.get_or_create(code="ours", defaults={"name_fr": "ours", "name_ar": "ours",
                                                                  "is_ours": True})[0]
    m = Member.objects.create(mutual=mutual, membership_number=membership_number_from_sequence(700_000 + n),
                              cin=f"PV{n:06d}", first_name="Mohamed", last_name=f"Alami{n}", birth_date=birth_date,
                              sex="M", iban=iban(500_000 + n) if with_iban else "", user=user,
                              phone="+212612345678")
    for start, end, status in periods:
        AffiliationPeriod.objects.create(member=m, start=start, end=end, status=status)
    Beneficiary.objects.create(member=m, relation="member", first_name=m.first_name, last_name=m.last_name,
                               birth_date=birth_date, sex="M")
    return m


def child(m: Member, *, birth_date=date(2001, 9, 15), study=(date(2024, 9, 1), date(2025, 7, 31))) -> Beneficiary:
    c = Beneficiary.objects.create(member=m, relation="child", first_name="Yassine", last_name=m.last_name,
                                   birth_date=birth_date, sex="M")
    if study:
        StudentPeriod.objects.create(beneficiary=c, start=study[0], end=study[1])
    return c


def heirs(*shares: str) -> list[HeirInput]:
    relations = ["spouse", "son", "son", "daughter", "daughter", "son", "daughter", "son"]
    return [HeirInput(first_name=f"Heir{i}", last_name="Alami", cin=f"HR{i:04d}{next(_seq) % 100:02d}",
                      relation=relations[i - 1], iban=iban(900_000 + i * 1000 + next(_seq)), share=share)
            for i, share in enumerate(shares, 1)]


def death_documents(count: int) -> list[DocumentInput]:
    docs = [DocumentInput("death_certificate", upload("deces.pdf")),
            DocumentInput("heirs_certificate", upload("heredite.pdf"))]
    for position in range(1, count + 1):
        docs += [DocumentInput("heir_cin", upload(f"cin{position}.pdf"), heir=position),
                 DocumentInput("heir_bank", upload(f"rib{position}.pdf"), heir=position)]
    return docs


def desk_agent(code: str = "taounate", role: str = StaffRole.FRONT_DESK):
    return staff(unit(code), role=role)


def liquidator():
    return staff(unit("central"), role=StaffRole.LIQUIDATOR)


__all__ = ["pdf_bytes", "upload"]
