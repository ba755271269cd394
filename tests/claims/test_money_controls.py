"""Every dirham controlled: the intake refusal list is closed (everything else is a line decision), poison
files are set aside instead of blocking their beneficiary, and files go to a liquidator's documents check."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from claims.models import ClaimFile, RuleParameters
from claims.receipts import receipt_pdf
from claims.services import intake, liquidation
from claims.services.intake import LineData
from claims.services.liquidation import claim_liquidate
from tests.factories import BeneficiaryFactory, MemberFactory, UserFactory

from . import liquidation_builders as b
from .factories import reference, staff, unit

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def setup(db):
    reference()
    return MemberFactory(user=UserFactory())


def test_an_ineligible_beneficiarys_desk_file_is_registered_with_a_receipt_and_rejected_with_the_reason(setup):
    at = unit()
    agent = staff(at)
    child = BeneficiaryFactory(member=setup, relation="child", first_name="Omar", birth_date=date(1999, 1, 1))
    today = intake.today()
    lines = [LineData("C", today - timedelta(days=3), 1, D("100.00"))]

    claim = intake.claim_register_at_desk(member=setup, beneficiary=child, unit=at, by=agent, received_on=today,
                                          lines=lines)

    assert claim.status == "received"
    assert "Omar" in claim.intake_warnings[0]
    pdf = receipt_pdf(claim=claim, lines=list(claim.lines.all()), track_url="https://example.ma/track/")
    assert pdf.startswith(b"%PDF")
    assert claim_liquidate(claim_id=claim.pk) == "rejected"
    assert list(claim.lines.values_list("accepted", "reason_codes")) == [(False, ["BENEFICIARY_NOT_ELIGIBLE"])]


def test_a_file_with_one_eligible_and_one_ineligible_line_is_registered_and_decided_line_by_line(setup):
    at = unit()
    spouse = BeneficiaryFactory(member=setup, relation="spouse", marriage_end=intake.today() - timedelta(days=10))
    today = intake.today()
    lines = [LineData("C", today - timedelta(days=20), 1, D("100.00")),
             LineData("C", today - timedelta(days=3), 1, D("100.00"))]
    claim = intake.claim_register_at_desk(member=setup, beneficiary=spouse, unit=at, by=staff(at),
                                          received_on=today, lines=lines)
    assert claim_liquidate(claim_id=claim.pk) == "liquidated"
    assert list(claim.lines.order_by("position").values_list("accepted", flat=True)) == [True, False]


def test_a_poison_care_date_slipped_into_the_database_is_priced_without_crashing_the_worker():
    b.reference()
    beneficiary = b.self_of(b.member())
    poison = b.received_file(beneficiary, [("C", date(1, 1, 1), 1, "100.00")])
    later = b.received_file(beneficiary, [b.consultation()], received_on=date(2025, 3, 21))

    assert claim_liquidate(claim_id=later.pk) == "liquidated"
    poison.refresh_from_db()
    assert poison.status in ("rejected", "in_review")


def test_a_file_that_keeps_failing_reaches_review_and_the_next_file_of_its_beneficiary_is_liquidated(monkeypatch):
    b.reference()
    beneficiary = b.self_of(b.member())
    poison = b.received_file(beneficiary, [("C", date(2025, 3, 1), 1, "100.00")])
    later = b.received_file(beneficiary, [b.consultation()], received_on=date(2025, 3, 21))
    real = liquidation.facts_complete

    def crashing(contexts, reference, *args, **kwargs):
        if any(f.id == poison.pk for context in contexts.values() for f in context.files):
            raise OverflowError("date value out of range")
        return real(contexts, reference, *args, **kwargs)

    monkeypatch.setattr(liquidation, "facts_complete", crashing)
    assert RuleParameters.objects.first().max_liquidation_attempts == 3

    assert claim_liquidate(claim_id=later.pk) is None
    assert claim_liquidate(claim_id=later.pk) is None
    poison.refresh_from_db()
    assert (poison.status, poison.liquidation_attempts) == ("received", 2)
    assert "OverflowError" in poison.liquidation_error

    assert claim_liquidate(claim_id=later.pk) == "liquidated"
    poison.refresh_from_db()
    assert (poison.status, poison.liquidation_attempts, poison.control_reason) == ("in_review", 3, "")
    assert "OverflowError" in poison.status_changes.last().reason
    assert ClaimFile.objects.get(pk=later.pk).total_reimbursed == D("72.00")


def test_an_online_file_above_the_threshold_goes_to_a_documents_check_before_payment():
    b.reference()
    beneficiary = b.self_of(b.member())
    big = b.received_file(beneficiary, [("MED", date(2025, 3, 10), 1, "2500.00")], channel="online")
    small = b.received_file(beneficiary, [("MED", date(2025, 3, 11), 1, "250.00")], channel="online")

    assert claim_liquidate(claim_id=big.pk) == "in_review"
    assert claim_liquidate(claim_id=small.pk) == "liquidated"
    big.refresh_from_db()
    assert big.control_reason == "amount" and big.total_reimbursed > 0


def test_the_control_sample_rate_sends_that_share_of_files_to_a_documents_check():
    b.reference()
    RuleParameters.objects.update(documents_check_rate=D("0.5"))
    beneficiary = b.self_of(b.member())
    files = [b.received_file(beneficiary, [("C", date(2025, 3, 1) + timedelta(days=i), 1, "100.00")],
                             received_on=date(2025, 4, 15)) for i in range(40)]
    for claim in files:
        claim_liquidate(claim_id=claim.pk)
    checked = ClaimFile.objects.filter(control_reason="sample")
    assert 8 <= checked.count() <= 32
    assert set(checked.values_list("status", flat=True)) == {"in_review"}
    assert ClaimFile.objects.filter(status="liquidated").count() == 40 - checked.count()
