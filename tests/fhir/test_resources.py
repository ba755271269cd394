"""Every FHIR answer is a resource the library validates: the CapabilityStatement, our CodeSystems, the coverage
answer (covered or not, nothing more), a member's explanations of benefit."""

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from apitokens.services import token_issue
from claims.services.liquidation import claim_liquidate
from tests.claims.factories import ClaimFileFactory, ClaimLineFactory
from tests.factories import MemberFactory, UserFactory
from tests.partners import builders as b

from .helpers import get, post, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return b.cast()


def test_metadata_is_an_r4_capability_statement_listing_what_we_answer(client):
    statement = validated(get(None, "/fhir/r4/metadata"))
    assert statement.get_resource_type() == "CapabilityStatement" and statement.fhirVersion == "4.0.1"
    served = {resource.type for resource in statement.rest[0].resource}
    assert {"Claim", "ClaimResponse", "CoverageEligibilityRequest", "ExplanationOfBenefit", "CodeSystem"} <= served


def test_our_act_codes_are_published_as_a_code_system_in_three_languages(cast):
    acts = validated(get(None, "/fhir/r4/CodeSystem/acts"))
    hosp = next(concept for concept in acts.concept if concept.code == "HOSP")
    assert hosp.display == "Journée d'hospitalisation"
    assert {d.language: d.value for d in hosp.designation}["ar"] == "يوم استشفاء"
    reasons = validated(get(None, "/fhir/r4/CodeSystem/reasons"))
    assert "DUPLICATE" in {concept.code for concept in reasons.concept}
    assert get(None, "/fhir/r4/CodeSystem/nothing").status_code == 404


def test_the_coverage_answer_says_covered_or_not_and_nothing_else(cast):
    today = timezone.localdate()
    covered = validated(post(cast.chu_token, "/fhir/r4/CoverageEligibilityRequest",
                             b.eligibility(cast.patient, on=today)))
    wrong_birth = validated(post(cast.chu_token, "/fhir/r4/CoverageEligibilityRequest",
                                 b.eligibility(cast.patient, on=today, birth=date(1999, 9, 9))))
    before = validated(post(cast.chu_token, "/fhir/r4/CoverageEligibilityRequest",
                            b.eligibility(cast.patient, on=date(2019, 6, 1))))  # affiliated from 2020
    assert (covered.insurance[0].inforce, wrong_birth.insurance[0].inforce, before.insurance[0].inforce) == (
        True, False, False)
    body = json.dumps(covered.model_dump(mode="json"))
    assert cast.member.last_name not in body and cast.member.cin not in body and "birthDate" not in body


def test_a_member_reads_their_own_priced_files_as_explanations_of_benefit(cast):
    claim = ClaimFileFactory(member=cast.member, beneficiary=cast.patient, received_on=timezone.localdate())
    ClaimLineFactory(claim=claim, position=1, act_id="C", care_date=timezone.localdate() - timedelta(days=2),
                     quantity=1, billed_amount=D("100.00"))
    claim_liquidate(claim_id=claim.pk)
    token = token_issue(user=cast.member.user, client="tests", second_factor=True)[1]
    bundle = validated(get(token, "/fhir/r4/ExplanationOfBenefit", patient=cast.member.membership_number))
    eob = bundle.entry[0].resource
    benefit = next(a for a in eob.item[0].adjudication if a.category.coding[0].code == "benefit")
    # C after the 2026 revision (TNR 120.00), billed 100.00: base 100.00, AMO 80.00, complementary 10.00
    assert (bundle.total, benefit.amount.value) == (1, D("90.00"))
    other = MemberFactory(user=UserFactory())
    refused = get(token, "/fhir/r4/ExplanationOfBenefit", patient=other.membership_number)
    assert refused.status_code == 403 and validated(refused).get_resource_type() == "OperationOutcome"
    assert get(cast.chu_token, "/fhir/r4/ExplanationOfBenefit").status_code == 403
