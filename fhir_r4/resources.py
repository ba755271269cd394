"""Our records as FHIR R4 resources, every one built through (and so validated by) the fhir.resources models."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit

from claims.models import Act, AgreementStatus, ClaimFile, ClaimStatus, PriorAgreement
from claims.reason_messages import REASON_MESSAGES

from . import systems

ZERO = Decimal("0.00")
QUEUED = {ClaimStatus.RECEIVED, ClaimStatus.INCOMPLETE, ClaimStatus.LIQUIDATING, ClaimStatus.IN_REVIEW}


def _money(value: Decimal) -> dict:
    return {"value": value, "currency": systems.CURRENCY}


def _insurer() -> dict:
    return {"display": "Mutuelle"}


def _patient(number: str) -> dict:
    return {"identifier": {"system": systems.membership_number(), "value": number}}


def _coding(system: str, code: str, display: str = "") -> dict:
    return {"coding": [{"system": system, "code": code, **({"display": display} if display else {})}]}


def capability_statement() -> CapabilityStatement:
    claim_ops = [{"code": "create"}]
    return CapabilityStatement.model_validate({
        "resourceType": "CapabilityStatement", "status": "active", "date": timezone.localdate().isoformat(),
        "kind": "instance", "fhirVersion": "4.0.1", "format": ["application/fhir+json", "json"],
        "software": {"name": "Mutuelle"},
        "implementation": {"description": "Mutuelle: prior agreements and direct billing for partner providers",
                           "url": getattr(settings, "SITE_URL", "").rstrip("/") + "/fhir/r4"},
        "rest": [{
            "mode": "server",
            "security": {"description": "Authorization: Token <key> of a provider account (a member account for "
                                        "ExplanationOfBenefit)."},
            "resource": [
                {"type": "Claim", "interaction": claim_ops,
                 "documentation": "use=preauthorization asks for a prior agreement; use=claim sends an invoice."},
                {"type": "ClaimResponse", "interaction": [{"code": "search-type"}],
                 "searchParam": [{"name": "request", "type": "reference"}]},
                {"type": "CoverageEligibilityRequest", "interaction": claim_ops},
                {"type": "ExplanationOfBenefit", "interaction": [{"code": "search-type"}],
                 "searchParam": [{"name": "patient", "type": "reference"}]},
                {"type": "CodeSystem", "interaction": [{"code": "read"}]},
            ],
        }],
    })


def acts_code_system() -> CodeSystem:
    acts = Act.objects.order_by("code")
    return CodeSystem.model_validate({
        "resourceType": "CodeSystem", "id": "acts", "url": systems.acts(), "name": "MutuelleActs",
        "title": "Nomenclature des actes de la Mutuelle", "status": "active", "content": "complete",
        "caseSensitive": True, "count": acts.count(),
        "concept": [{"code": act.code, "display": act.name_fr or act.name_en, "designation": [
            {"language": "ar", "value": act.name_ar or act.code}, {"language": "en", "value": act.name_en or act.code},
        ]} for act in acts],
    })


def reasons_code_system() -> CodeSystem:
    concepts = []
    for code, message in REASON_MESSAGES.items():
        designations = []
        for language in ("ar", "fr"):
            with translation.override(language):
                designations.append({"language": language, "value": str(message)})
        with translation.override("en"):
            concepts.append({"code": code, "display": str(message), "designation": designations})
    return CodeSystem.model_validate({
        "resourceType": "CodeSystem", "id": "reasons", "url": systems.reasons(), "name": "MutuelleReasons",
        "title": "Reason codes of liquidation", "status": "active", "content": "complete", "caseSensitive": True,
        "count": len(concepts), "concept": concepts,
    })


def eligibility_response(*, request_data: dict, number: str, on: date, covered: bool,
                         complementary: bool) -> CoverageEligibilityResponse:
    """Only whether the person is covered on `on`, and with the complementary cover: no other data."""
    return CoverageEligibilityResponse.model_validate({
        "resourceType": "CoverageEligibilityResponse", "status": "active",
        "purpose": request_data.get("purpose") or ["validation"], "patient": _patient(number),
        "servicedDate": on.isoformat(), "created": timezone.now().isoformat(),
        "request": {"identifier": (request_data.get("identifier") or [{"value": "request"}])[0]},
        "outcome": "complete", "insurer": _insurer(),
        "disposition": "covered" if covered else "not covered",
        "insurance": [{
            "coverage": {"identifier": {"system": systems.membership_number(), "value": number}},
            "inforce": covered,
            "item": [{"category": _coding(systems.adjudication_ours(), "amo"), "excluded": not covered},
                     {"category": _coding(systems.adjudication_ours(), "complementary"),
                      "excluded": not complementary}],
        }],
    })


def _adjudications(line) -> list[dict]:
    reasons = list(line.reason_codes or ())
    amo, comp = line.amo_amount or ZERO, line.complementary_amount or ZERO
    benefit = {"category": _coding(systems.ADJUDICATION, "benefit"), "amount": _money(amo + comp)}
    if reasons:
        benefit["reason"] = {"coding": [{"system": systems.reasons(), "code": code} for code in reasons]}
    return [
        {"category": _coding(systems.ADJUDICATION, "submitted"), "amount": _money(line.billed_amount)},
        {"category": _coding(systems.ADJUDICATION, "eligible"), "amount": _money(line.base_amount or ZERO)},
        benefit,
        {"category": _coding(systems.ADJUDICATION, "copay"), "amount": _money(line.billed_amount - amo - comp)},
        {"category": _coding(systems.adjudication_ours(), "amo"), "amount": _money(amo)},
        {"category": _coding(systems.adjudication_ours(), "complementary"), "amount": _money(comp)},
    ]


def _totals(claim: ClaimFile) -> list[dict]:
    benefit = claim.total_amo + claim.total_complementary
    return [
        {"category": _coding(systems.ADJUDICATION, "submitted"), "amount": _money(claim.total_billed)},
        {"category": _coding(systems.ADJUDICATION, "eligible"), "amount": _money(claim.total_base)},
        {"category": _coding(systems.ADJUDICATION, "benefit"), "amount": _money(benefit)},
        {"category": _coding(systems.ADJUDICATION, "copay"), "amount": _money(claim.total_billed - benefit)},
    ]


def _payment(claim: ClaimFile) -> dict | None:
    paid = getattr(claim, "paid_file", None)
    if paid is None or claim.status != ClaimStatus.PAID:
        return None
    return {"type": _coding(systems.PAYMENT_TYPE, "complete"), "amount": _money(paid.amount),
            "identifier": {"value": paid.transfer.reference}}


def invoice_claim_response(*, claim: ClaimFile, lines: list) -> ClaimResponse:
    """`queued` until the worker has priced the file (and a liquidator approved it when above the review
    threshold), then `complete` with each item's adjudications and reason codes."""
    queued = claim.status in QUEUED
    data: dict[str, Any] = {
        "resourceType": "ClaimResponse", "id": f"inv-{claim.tracking_code}", "status": "active",
        "type": _coding(systems.CLAIM_TYPE, "institutional"), "use": "claim", "patient": _patient(
            claim.member.membership_number), "created": claim.created_at.isoformat(), "insurer": _insurer(),
        "request": {"reference": f"Claim/{claim.tracking_code}"},
        "outcome": "queued" if queued else "complete",
        "disposition": claim.get_status_display(),
        "identifier": [{"system": systems.tracking_code(), "value": claim.tracking_code}],
    }
    if not queued:
        data["item"] = [{"itemSequence": line.position, "adjudication": _adjudications(line)} for line in lines]
        data["total"] = _totals(claim)
        payment = _payment(claim)
        if payment:
            data["payment"] = payment
    return ClaimResponse.model_validate(data)


def agreement_claim_response(*, agreement: PriorAgreement) -> ClaimResponse:
    decided = agreement.status != AgreementStatus.REQUESTED
    data: dict[str, Any] = {
        "resourceType": "ClaimResponse", "id": f"pa-{agreement.reference}", "status": "active",
        "type": _coding(systems.CLAIM_TYPE, "institutional"), "use": "preauthorization",
        "patient": _patient(agreement.beneficiary.member.membership_number),
        "created": agreement.requested_at.isoformat(), "insurer": _insurer(),
        "request": {"reference": f"Claim/{agreement.reference}"},
        "outcome": "complete" if decided else "queued",
        "disposition": agreement.get_status_display() + (f": {agreement.notes}" if decided and agreement.notes else ""),
        "preAuthRef": agreement.reference,
    }
    if agreement.status == AgreementStatus.GRANTED:
        data["preAuthPeriod"] = {"start": agreement.valid_from.isoformat(), "end": agreement.valid_to.isoformat()}
    if decided:
        granted = agreement.status == AgreementStatus.GRANTED
        data["item"] = [{"itemSequence": 1, "adjudication": [{
            "category": _coding(systems.ADJUDICATION, "benefit"),
            "reason": _coding(systems.reasons(), "GRANTED" if granted else "REFUSED"),
        }]}]
    return ClaimResponse.model_validate(data)


def explanation_of_benefit(*, claim: ClaimFile, lines: list) -> ExplanationOfBenefit:
    return ExplanationOfBenefit.model_validate({
        "resourceType": "ExplanationOfBenefit", "id": f"eob-{claim.tracking_code}", "status": "active",
        "type": _coding(systems.CLAIM_TYPE, "professional"), "use": "claim",
        "patient": _patient(claim.member.membership_number), "created": claim.created_at.isoformat(),
        "insurer": _insurer(), "provider": {"display": claim.provider_name or "—"},
        "outcome": "complete", "disposition": claim.get_status_display(),
        "identifier": [{"system": systems.tracking_code(), "value": claim.tracking_code}],
        "insurance": [{"focal": True, "coverage": {"identifier": {
            "system": systems.membership_number(), "value": claim.member.membership_number}}}],
        "item": [{"sequence": line.position, "productOrService": _coding(systems.acts(), line.act_id),
                  "servicedDate": line.care_date.isoformat(), "quantity": {"value": line.quantity},
                  "net": _money(line.billed_amount), "adjudication": _adjudications(line)} for line in lines],
        "total": _totals(claim),
    })


def searchset(resources: list) -> Bundle:
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "searchset", "total": len(resources),
        "entry": [{"resource": resource.model_dump(exclude_none=True), "search": {"mode": "match"}}
                  for resource in resources],
    })
