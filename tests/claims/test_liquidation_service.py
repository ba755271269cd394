"""The per-file liquidation path against the real database: results, statuses, order, idempotence, queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import AgreementStatus, ClaimFile, ClaimLine, PriorAgreement, StatusChange
from claims.services.estimate import claim_estimate
from claims.services.liquidation import claim_liquidate, liquidation_caches_warm, liquidation_sweep
from claims.services.liquidation_reference import reference_data

from . import liquidation_builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference(db):
    b.reference()


def test_a_received_consultation_is_liquidated_as_in_worked_example_1():
    claim = b.received_file(b.self_of(b.member()), [b.consultation()])

    assert claim_liquidate(claim_id=claim.pk) == "liquidated"

    claim.refresh_from_db()
    line = claim.lines.get()
    assert (line.accepted, line.base_amount, line.amo_amount, line.complementary_amount) == (
        True, D("80.00"), D("64.00"), D("8.00"))
    assert (claim.status, claim.total_reimbursed, claim.total_amo) == ("liquidated", D("72.00"), D("64.00"))
    assert claim.liquidated_at is not None
    assert list(claim.status_changes.values_list("from_status", "to_status")) == [
        ("received", "liquidating"), ("liquidating", "liquidated")]


def test_liquidating_a_file_twice_changes_nothing_the_second_time():
    claim = b.received_file(b.self_of(b.member()), [b.consultation()])
    claim_liquidate(claim_id=claim.pk)

    assert claim_liquidate(claim_id=claim.pk) is None

    claim.refresh_from_db()
    assert claim.total_reimbursed == D("72.00") and claim.status_changes.count() == 2


def test_the_number_of_queries_does_not_grow_with_the_number_of_lines():
    beneficiary = b.self_of(b.member())
    one = b.received_file(beneficiary, [b.consultation()])
    five = b.received_file(b.self_of(b.member()), [("MED", date(2025, 3, 10), 1, f"{100 + i}.00") for i in range(5)])
    liquidation_caches_warm()  # the per-process caches are warm in a worker

    with CaptureQueriesContext(connection) as one_line:
        claim_liquidate(claim_id=one.pk)
    with CaptureQueriesContext(connection) as five_lines:
        claim_liquidate(claim_id=five.pk)

    assert len(one_line) == len(five_lines) <= 20
    assert ClaimLine.objects.filter(claim=five, accepted=True).count() == 5


def test_the_per_file_path_stays_within_its_query_budget(django_assert_max_num_queries):
    claim = b.received_file(b.self_of(b.member()), [("B", date(2025, 3, 10), 120, "150.00")] * 1
                            + [("MED", date(2025, 3, 10), 1, f"{50 + i}.00") for i in range(4)])
    reference_data()
    with django_assert_max_num_queries(20):
        claim_liquidate(claim_id=claim.pk)


def test_a_file_of_a_sister_mutual_member_is_forwarded_with_no_amounts():
    claim = b.received_file(b.self_of(b.member(ours=False)), [b.consultation()])

    assert claim_liquidate(claim_id=claim.pk) == "forwarded"
    claim.refresh_from_db()
    assert claim.total_reimbursed == 0 and claim.lines.get().accepted is None


def test_a_file_whose_every_line_is_late_is_rejected_with_the_reason_on_the_line():
    claim = b.received_file(b.self_of(b.member()), [b.consultation()], received_on=date(2025, 5, 10))

    assert claim_liquidate(claim_id=claim.pk) == "rejected"
    line = claim.lines.get()
    assert (line.accepted, line.amo_amount, line.reason_codes) == (False, D("0.00"), ["LATE_FILING"])


def test_a_file_above_the_review_threshold_waits_for_a_liquidator():
    claim = b.received_file(b.self_of(b.member()), [("MED", date(2025, 3, 10), 1, "8000.00")])

    assert claim_liquidate(claim_id=claim.pk) == "in_review"
    claim.refresh_from_db()
    assert claim.total_reimbursed == D("6800.00")


def test_an_earlier_received_file_of_the_same_beneficiary_is_liquidated_first():
    beneficiary = b.self_of(b.member())
    earlier = b.received_file(beneficiary, [("OPT-FRAME", date(2025, 3, 1), 1, "400.00")], received_on=date(2025, 3, 5))
    later = b.received_file(beneficiary, [("OPT-FRAME", date(2025, 3, 10), 1, "450.00")])

    assert claim_liquidate(claim_id=later.pk) == "rejected"

    earlier.refresh_from_db()
    assert earlier.status == "liquidated" and earlier.total_amo == D("320.00")
    assert later.lines.get().reason_codes == ["FREQUENCY_LIMIT"]
    assert claim_liquidate(claim_id=earlier.pk) is None


def test_a_line_already_paid_in_an_earlier_file_is_a_duplicate():
    beneficiary = b.self_of(b.member())
    first = b.received_file(beneficiary, [b.consultation()])
    claim_liquidate(claim_id=first.pk)
    again = b.received_file(beneficiary, [b.consultation()], received_on=date(2025, 3, 25))

    assert claim_liquidate(claim_id=again.pk) == "rejected"
    assert again.lines.get().reason_codes == ["DUPLICATE"]


def test_a_granted_prior_agreement_lets_a_hospital_stay_through():
    beneficiary = b.self_of(b.member())
    agreement = PriorAgreement.objects.create(reference="PA-T-1", beneficiary=beneficiary, valid_from=date(2025, 3, 1),
                                              valid_to=date(2025, 3, 31), status=AgreementStatus.GRANTED)
    agreement.acts.set([ClaimLine._meta.get_field("act").related_model.objects.get(code="HOSP")])
    claim = b.received_file(beneficiary, [("HOSP", date(2025, 3, 10), 3, "2100.00")], sector="public")

    assert claim_liquidate(claim_id=claim.pk) == "liquidated"
    claim.refresh_from_db()
    assert (claim.total_amo, claim.total_complementary) == (D("2100.00"), D("0.00"))


def test_a_file_intake_should_have_refused_goes_to_review_with_the_reason():
    claim = b.received_file(b.self_of(b.member()), [b.consultation(day=date(2025, 4, 1))])

    assert claim_liquidate(claim_id=claim.pk) == "in_review"
    assert "after the file's receipt date" in claim.status_changes.last().reason


def test_the_sweep_queues_received_files_left_behind_and_takes_back_expired_leases():
    beneficiary = b.self_of(b.member())
    waiting = b.received_file(beneficiary, [b.consultation()])
    fresh = b.received_file(b.self_of(b.member()), [b.consultation()])
    stuck = b.received_file(b.self_of(b.member()), [b.consultation()])
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ClaimFile.objects.filter(pk=waiting.pk).update(updated_at=an_hour_ago)
    ClaimFile.objects.filter(pk=stuck.pk).update(status="liquidating", lease_until=an_hour_ago, updated_at=an_hour_ago)

    queued = liquidation_sweep()

    assert set(queued) == {waiting.pk, stuck.pk} and fresh.pk not in queued
    stuck.refresh_from_db()
    assert stuck.status == "received"
    assert StatusChange.objects.filter(claim=stuck, to_status="received").exists()
    assert liquidation_sweep() == []


def test_the_estimate_prices_against_the_real_history_and_saves_nothing():
    beneficiary = b.self_of(b.member())
    claim_liquidate(claim_id=b.received_file(beneficiary, [("OPT-FRAME", date(2025, 3, 1), 1, "400.00")]).pk)
    counts = (ClaimFile.objects.count(), ClaimLine.objects.count(), StatusChange.objects.count())

    result = claim_estimate(beneficiary=beneficiary, sector="private", received_on=date(2025, 3, 20), lines=[
        {"act_code": "OPT-FRAME", "care_date": date(2025, 3, 15), "quantity": 1, "billed_amount": D("300.00")},
        {"act_code": "C", "care_date": date(2025, 3, 15), "quantity": 1, "billed_amount": D("100.00")},
    ])

    assert [line.reasons for line in result.lines] == [("FREQUENCY_LIMIT",), ()]
    assert result.total_reimbursed == D("72.00") and result.status == "liquidated"
    assert (ClaimFile.objects.count(), ClaimLine.objects.count(), StatusChange.objects.count()) == counts


def test_the_loader_reads_a_beneficiary_as_the_members_app_does():
    from claims.services.liquidation_loader import beneficiaries_read, facts_complete
    from members.models import Beneficiary, StudentPeriod
    from members.selectors import beneficiary_facts

    member = b.member()
    child = Beneficiary.objects.create(member=member, relation="child", first_name="Sara", last_name="L",
                                       birth_date=date(2003, 2, 1), sex="F")
    StudentPeriod.objects.create(beneficiary=child, start=date(2024, 9, 1), end=date(2025, 6, 30))
    StudentPeriod.objects.create(beneficiary=child, start=date(2023, 9, 1), end=date(2024, 6, 30))

    contexts = beneficiaries_read(beneficiary_ids=[child.pk])
    facts_complete(contexts, reference_data(), extra_care_dates=[date(2025, 3, 1)])

    assert contexts[child.pk].facts == beneficiary_facts(child)
    assert [p.start for p in contexts[child.pk].affiliations] == [date(2020, 1, 1)]
