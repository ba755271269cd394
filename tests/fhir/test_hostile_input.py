"""Bad FHIR input gets an OperationOutcome (validated by the library) with a 4xx status, never a 500, and
nothing is stored."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import ClaimFile, PriorAgreement
from claims.services.agreements import prior_agreement_grant
from partners.models import AgreementDocument
from tests.partners import builders as b

from .helpers import get, post, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return b.cast()


def _granted(cast) -> str:
    today = timezone.localdate()
    answer = post(cast.chu_token, "/fhir/r4/Claim", b.preauthorization(
        cast.patient, start=today - timedelta(days=4), end=today - timedelta(days=2)))
    reference = validated(answer).preAuthRef
    prior_agreement_grant(agreement=PriorAgreement.objects.get(reference=reference), by=None)
    return reference


def _stored() -> tuple[int, int, int]:
    return PriorAgreement.objects.count(), ClaimFile.objects.count(), AgreementDocument.objects.count()


def _hostile_bodies(cast, reference: str) -> dict[str, object]:
    today = timezone.localdate()
    day = today - timedelta(days=3)

    def stay() -> dict:
        return b.item("HOSP", amount="2100.00", quantity=3, day=day)

    unknown_code = b.invoice(cast.patient, agreement=reference, items=[b.item("XRAY9", amount="10.00", day=day)])
    foreign_system = b.invoice(cast.patient, agreement=reference, items=[stay()])
    foreign_system["item"][0]["productOrService"]["coding"][0]["system"] = "http://snomed.info/sct"
    three_decimals = b.invoice(cast.patient, agreement=reference,
                               items=[b.item("HOSP", amount="2100.005", quantity=3, day=day)])
    future = b.invoice(cast.patient, agreement=reference,
                       items=[b.item("HOSP", amount="2100.00", quantity=3, day=today + timedelta(days=5))])
    half_quantity = b.invoice(cast.patient, agreement=reference, items=[stay()])
    half_quantity["item"][0]["quantity"]["value"] = 1.5
    no_agreement = b.invoice(cast.patient, agreement="PA-NOPE", items=[stay()])
    other_patient = b.invoice(cast.patient, agreement=reference, items=[stay()])
    other_patient["contained"][0]["birthDate"] = "1999-01-01"
    no_document = b.invoice(cast.patient, agreement=reference, items=[stay()])
    no_document.pop("supportingInfo")
    bad_document = b.invoice(cast.patient, agreement=reference, items=[stay()])
    bad_document["supportingInfo"][0]["valueAttachment"]["data"] = "bm90IGEgcGRm"  # "not a pdf"
    not_base64 = b.invoice(cast.patient, agreement=reference, items=[stay()])
    not_base64["supportingInfo"][0]["valueAttachment"]["data"] = "%%%"
    bad_use = b.invoice(cast.patient, agreement=reference, items=[stay()])
    bad_use["use"] = "predetermination"
    other_provider = b.invoice(cast.patient, agreement=reference, items=[stay()])
    other_provider["provider"]["identifier"]["value"] = "110000001"
    clinic_act = b.preauthorization(cast.patient, start=day, end=day, act="C", identifier="PA-REQ-C")
    return {
        "wrong resource type": {"resourceType": "Patient", "id": "x"},
        "missing fields": {"resourceType": "Claim"},
        "unknown act code": unknown_code,
        "act code of another system": foreign_system,
        "amount with 3 decimals": three_decimals,
        "care date in the future": future,
        "quantity not whole": half_quantity,
        "unknown agreement": no_agreement,
        "patient not the agreement's": other_patient,
        "no document": no_document,
        "document that is not a scan": bad_document,
        "document data not base64": not_base64,
        "use not supported": bad_use,
        "another provider named": other_provider,
        "act outside the convention": clinic_act,
        "5,000-deep nesting": '{"resourceType": "Claim", "item": ' + "[" * 5000 + "]" * 5000 + "}",
        "not JSON": "{resourceType: Claim",
        "a JSON array": "[]",
        "a string field holding an object": {**b.invoice(cast.patient, agreement=reference, items=[stay()]),
                                             "status": {"$ne": 1}},
        "huge amount": b.invoice(cast.patient, agreement=reference, items=[
            {**stay(), "net": {"value": 1e308, "currency": "MAD"}}]),
        "huge quantity": b.invoice(cast.patient, agreement=reference, items=[{**stay(), "quantity": {"value": 1e308}}]),
    }


def test_every_hostile_claim_gets_an_operation_outcome_4xx_and_stores_nothing(cast):
    reference = _granted(cast)
    before = _stored()
    wrong = []
    for name, body in _hostile_bodies(cast, reference).items():
        response = post(cast.chu_token, "/fhir/r4/Claim", body)
        outcome = validated(response)
        if not (400 <= response.status_code < 500 and outcome.get_resource_type() == "OperationOutcome"
                and outcome.issue):
            wrong.append(f"{name}: {response.status_code} {outcome.get_resource_type()}")
    assert not wrong, wrong
    assert _stored() == before


@pytest.mark.parametrize("path, body, content_type, status", [
    ("/fhir/r4/Claim", {"resourceType": "Claim"}, "text/plain", 415),
    ("/fhir/r4/CoverageEligibilityRequest", {"resourceType": "CoverageEligibilityRequest"}, None, 400),
    ("/fhir/r4/Nothing", {}, None, 404),
])
def test_wrong_content_types_paths_and_resources_are_operation_outcomes(cast, path, body, content_type, status):
    response = post(cast.chu_token, path, body, content_type=content_type or "application/fhir+json")
    assert response.status_code == status
    assert validated(response).get_resource_type() == "OperationOutcome"


def test_without_a_token_or_with_a_members_token_the_provider_side_is_refused(cast):
    from apitokens.services import token_issue

    body = b.eligibility(cast.patient, on=timezone.localdate())
    assert post(None, "/fhir/r4/CoverageEligibilityRequest", body).status_code == 401
    assert post("not-a-token", "/fhir/r4/CoverageEligibilityRequest", body).status_code == 401
    member_token = token_issue(user=cast.member.user, client="tests", second_factor=True)[1]
    refused = post(member_token, "/fhir/r4/CoverageEligibilityRequest", body)
    assert refused.status_code == 403 and validated(refused).issue[0].code == "forbidden"


def test_a_very_large_body_is_refused_before_it_is_read(cast, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = post(cast.chu_token, "/fhir/r4/Claim", json.dumps({"resourceType": "Claim", "x": "a" * 300_000}))
    assert response.status_code == 413
    assert validated(response).get_resource_type() == "OperationOutcome"


def test_another_providers_claim_responses_are_not_found(cast):
    reference = _granted(cast)
    mine = validated(get(cast.chu_token, "/fhir/r4/ClaimResponse", request=f"Claim/{reference}"))
    theirs = validated(get(cast.other_token, "/fhir/r4/ClaimResponse", request=f"Claim/{reference}"))
    assert (mine.total, theirs.total) == (1, 0)
    bad = get(cast.chu_token, "/fhir/r4/ClaimResponse", request="Patient/1")
    assert bad.status_code == 400 and validated(bad).get_resource_type() == "OperationOutcome"
