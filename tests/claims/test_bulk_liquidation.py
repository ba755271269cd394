"""Bulk liquidation: same engine, same results as the per-file path, set-based, resumable."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import ClaimFile, ClaimLine, StatusChange
from claims.services.liquidation import claim_liquidate
from claims.services.liquidation_bulk import liquidation_chunk_run, pending_chunks
from claims.services.liquidation_reference import reference_data

from . import liquidation_builders as b

pytestmark = pytest.mark.django_db
ACTS = [("C", 1, "100.00"), ("CS", 1, "250.00"), ("B", 120, "150.00"), ("MED", 1, "235.55"), ("OPT-FRAME", 1, "500.00"),
        ("OPT-LENS", 2, "700.00"), ("MED", 1, "8000.00"), ("K", 30, "600.00"), ("UNKNOWN", 1, "10.00")]


@pytest.fixture(autouse=True)
def reference(db):
    b.reference()
    from claims.models import Act

    Act.objects.get_or_create(code="UNKNOWN", defaults={"name_en": "x", "name_fr": "x", "name_ar": "x"})


def _twin_backlogs(seed: int, members: int = 6) -> tuple[list[ClaimFile], list[ClaimFile]]:
    """Two sets of members with the very same files (acts, dates, amounts, order), one per path."""
    plan = []
    rng = random.Random(seed)
    for _ in range(members):
        files = []
        for f in range(rng.randint(1, 4)):
            received = date(2025, 3, 1) + timedelta(days=10 * f + rng.randint(0, 5))
            lines = []
            for _ in range(rng.randint(1, 5)):
                code, qty, billed = rng.choice(ACTS)
                lines.append((code, received - timedelta(days=rng.choice([0, 3, 30, 61])), qty, billed))
            files.append((received, lines, rng.choice(["public", "private"])))
        plan.append((rng.random() < 0.15, files))
    sets = ([], [])
    for sister, files in plan:
        for out in sets:
            beneficiary = b.self_of(b.member(ours=not sister))
            for received, lines, sector in files:
                out.append(b.received_file(beneficiary, lines, received_on=received, sector=sector))
    return sets


def _outcome(claims: list[ClaimFile]) -> list:
    result = []
    for claim in claims:
        claim.refresh_from_db()
        lines = list(ClaimLine.objects.filter(claim=claim).order_by("position").values_list(
            "accepted", "accepted_quantity", "base_amount", "amo_amount", "complementary_amount", "reason_codes"))
        result.append((claim.status, claim.total_base, claim.total_amo, claim.total_complementary,
                       claim.total_reimbursed, lines))
    return result


@pytest.mark.parametrize("seed", [1, 2])
def test_bulk_gives_the_same_results_as_the_per_file_path(seed):
    per_file, bulk = _twin_backlogs(seed, members=10)
    for claim in reversed(per_file):  # any order: the service takes each beneficiary's files in order
        claim_liquidate(claim_id=claim.pk)

    for chunk in pending_chunks(chunk=3):
        liquidation_chunk_run(beneficiary_ids=chunk)

    assert _outcome(bulk) == _outcome(per_file)
    statuses = {outcome[0] for outcome in _outcome(bulk)}
    assert statuses <= {"liquidated", "rejected", "in_review", "forwarded"} and len(statuses) >= 2
    assert any(line[5] for outcome in _outcome(bulk) for line in outcome[5])  # some reasons were given
    assert StatusChange.objects.filter(claim__in=bulk).count() == 2 * len(bulk)


def test_a_dry_run_prices_without_saving():
    _, claims = _twin_backlogs(3, members=2)
    report = liquidation_chunk_run(beneficiary_ids=list({c.beneficiary_id for c in claims}), write=False)

    assert report.files == len(claims)
    assert ClaimFile.objects.filter(status="received").count() == 2 * len(claims)


def test_a_chunk_reads_and_writes_in_the_same_number_of_queries_for_few_or_many_files():
    small, large = b.self_of(b.member()), [b.self_of(b.member()) for _ in range(10)]
    b.received_file(small, [b.consultation()])
    for beneficiary in large:
        for i in range(3):
            lines = [b.consultation(billed=f"{100 + i}.00"), ("MED", date(2025, 3, 10), 1, "9.99")]
            b.received_file(beneficiary, lines)
    reference_data()

    with CaptureQueriesContext(connection) as few:
        liquidation_chunk_run(beneficiary_ids=[small.pk])
    with CaptureQueriesContext(connection) as many:
        liquidation_chunk_run(beneficiary_ids=[x.pk for x in large])

    assert len(few) == len(many) <= 15
    assert ClaimFile.objects.filter(status="received").count() == 0


def test_the_command_liquidates_the_whole_backlog_and_a_second_run_does_nothing(capsys):
    _, claims = _twin_backlogs(4, members=5)
    ClaimFile.objects.filter(status="received").exclude(pk__in=[c.pk for c in claims]).delete()

    call_command("liquidate", "--all", "--chunk", "4")
    changes = StatusChange.objects.count()
    call_command("liquidate", "--all")

    assert ClaimFile.objects.filter(status="received").count() == 0
    assert StatusChange.objects.count() == changes == 2 * len(claims)
    assert f"liquidated {len(claims)} files" in capsys.readouterr().out
    assert sum(c.total_reimbursed for c in ClaimFile.objects.all()) > Decimal(0)


@pytest.mark.django_db(transaction=True)
def test_bulk_in_two_processes_gives_the_same_results_as_the_per_file_path():
    b.reference()
    from claims.models import Act

    Act.objects.get_or_create(code="UNKNOWN", defaults={"name_en": "x", "name_fr": "x", "name_ar": "x"})
    per_file, bulk = _twin_backlogs(5, members=8)
    for claim in per_file:
        claim_liquidate(claim_id=claim.pk)

    call_command("liquidate", "--all", "--chunk", "3", "--processes", "2", verbosity=0)

    assert _outcome(bulk) == _outcome(per_file)
    assert StatusChange.objects.filter(claim__in=bulk).count() == 2 * len(bulk)


def test_the_bulk_line_texts_are_those_json_dumps_writes():
    import json

    from claims.liquidation import AffiliationPeriod, BeneficiaryFacts, ClaimInput, LineInput, liquidate
    from claims.liquidation.explain import Step
    from claims.services.liquidation_write import explanation_json, reasons_json

    lines = tuple(LineInput(code, date(2025, 3, 10), qty, Decimal(billed)) for code, qty, billed in ACTS[:8])
    result = liquidate(claim=ClaimInput(date(2025, 3, 20), "private", lines),
                       affiliations=(AffiliationPeriod(date(2020, 1, 1), None, True),),
                       beneficiary=BeneficiaryFacts("member", date(1980, 1, 1)), agreements=(), history=(),
                       reference=reference_data())
    odd = (Step("X", {"quoted \"name\"": "back\\slash\ttab é"}),)
    for steps, codes in [*((r.explanation, r.reasons) for r in result.lines), (odd, ("A", "B"))]:
        assert explanation_json(steps) == json.dumps([s.as_json() for s in steps])
        assert reasons_json(codes) == json.dumps(list(codes))


def test_the_last_chunks_are_cut_smaller_so_the_processes_finish_together():
    from claims.services.liquidation_bulk import tail_split

    chunks = [list(range(n * 100, n * 100 + 8)) for n in range(6)]
    split = tail_split(chunks, 2)

    assert [pk for ids in split for pk in ids] == [pk for ids in chunks for pk in ids]
    assert [len(ids) for ids in split] == [8, 8, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2]
    assert tail_split(chunks[:3], 2) == chunks[:3]


def test_a_disabled_child_over_age_is_covered_from_the_disabilitys_first_day_by_both_paths():
    """Born 1995 (over 26), disabled from 2025-03-10: the care of 9 March is refused, that of 10 March paid,
    by the per-file task and by the bulk run alike."""
    from members.models import Beneficiary

    def child_file() -> ClaimFile:
        child = Beneficiary.objects.create(member=b.member(), relation="child", first_name="Sara", last_name="L",
                                           birth_date=date(1995, 1, 1), sex="F", disabled_from=date(2025, 3, 10))
        return b.received_file(child, [b.consultation(date(2025, 3, 9)), b.consultation(date(2025, 3, 10))])

    per_file, bulk = child_file(), child_file()
    claim_liquidate(claim_id=per_file.pk)
    for chunk in pending_chunks(chunk=3):
        liquidation_chunk_run(beneficiary_ids=chunk)

    assert _outcome([bulk]) == _outcome([per_file])
    lines = _outcome([bulk])[0][5]
    assert [(accepted, reasons) for accepted, *_, reasons in lines] == [(False, ["BENEFICIARY_NOT_ELIGIBLE"]),
                                                                        (True, [])]
