"""The cast of the partners tests: CHU Hassan II (public, under convention) with its staff account and token,
CHU Ibn Sina (another provider), a private clinic without a convention, and a covered member; FHIR bodies."""

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apitokens.services import token_issue
from claims.models import Act
from fhir_r4 import systems
from members.models import Beneficiary, Member
from partners.models import Convention, Provider, ProviderAccount
from tests.claims.factories import pdf_bytes, reference
from tests.factories import AffiliationFactory, MemberFactory, UserFactory


@dataclass
class Cast:
    chu: Provider
    other: Provider
    clinic: Provider
    chu_user: object
    other_user: object
    chu_token: str
    other_token: str
    member: Member
    patient: Beneficiary


def provider(code: str, name: str, inpe: str, *, sector: str = "public", convention: bool = True) -> Provider:
    row = Provider.objects.create(code=code, name=name, name_ar="مستشفى", sector=sector, city="Fès", inpe=inpe)
    if convention:
        c = Convention.objects.create(provider=row, reference=f"CONV-{code}", valid_from=date(2025, 1, 1),
                                      valid_to=date(2027, 12, 31), decision_hours=48)
        c.acts.set(Act.objects.filter(code__in=["HOSP", "K", "Z", "B", "MED"]))
    return row


def account(for_provider: Provider, username: str):
    user = UserFactory(username=username, language="fr")
    ProviderAccount.objects.create(user=user, provider=for_provider)
    return user


def cast() -> Cast:
    from members.identifiers import moroccan_iban_from_rib

    reference()
    chu = provider("chu-hassan-ii", "CHU Hassan II", "130000002")
    chu.iban = moroccan_iban_from_rib("011270000098765432100034")
    chu.save()
    other = provider("chu-ibn-sina", "CHU Ibn Sina", "110000001")
    other.iban = moroccan_iban_from_rib("011810000012345678900012")
    other.save()
    clinic = provider("clinique-atlas", "Clinique Atlas", "230000003", sector="private", convention=False)
    chu_user, other_user = account(chu, "chu.hassan2"), account(other, "chu.ibnsina")
    member = MemberFactory(user=UserFactory(), affiliated_since=False)
    AffiliationFactory(member=member, start=date(2020, 1, 1), complementary=True)
    patient = member.beneficiaries.get(relation="member")
    tokens = [token_issue(user=user, client="tests", second_factor=True)[1] for user in (chu_user, other_user)]
    return Cast(chu, other, clinic, chu_user, other_user, *tokens, member, patient)


def pdf_attachment(title: str = "facture.pdf") -> dict:
    return {"valueAttachment": {"contentType": "application/pdf", "title": title,
                                "data": base64.b64encode(pdf_bytes()).decode()}}


def papers() -> list:
    """An invoice's scans: the invoice, the care sheet and a prescription (what every category asks)."""
    from tests.claims.factories import upload

    return [upload("invoice.pdf"), ("care_sheet", upload("care-sheet.pdf")),
            ("prescription", upload("prescription.pdf"))]


def _patient(beneficiary: Beneficiary) -> dict:
    return {"resourceType": "Patient", "id": "p1", "birthDate": beneficiary.birth_date.isoformat(),
            "identifier": [{"system": systems.membership_number(),
                            "value": beneficiary.member.membership_number}]}


def _claim(use: str, beneficiary: Beneficiary, items: list[dict], identifier: str, **extra) -> dict:
    return {
        "resourceType": "Claim", "status": "active", "use": use, "contained": [_patient(beneficiary)],
        "identifier": [{"system": "urn:chu-hassan-ii:claims", "value": identifier}],
        "type": {"coding": [{"system": systems.CLAIM_TYPE, "code": "institutional"}]},
        "patient": {"reference": "#p1"}, "created": "2026-11-20",
        "provider": {"identifier": {"system": systems.inpe(), "value": "130000002"}},
        "priority": {"coding": [{"system": systems.PROCESS_PRIORITY, "code": "normal"}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "Mutuelle"}, **extra}],
        "item": items, "supportingInfo": [
            {"sequence": 1, "category": {"coding": [{"code": "invoice"}]}, **pdf_attachment()},
            {"sequence": 2, "category": {"coding": [{"code": "care_sheet"}]}, **pdf_attachment("feuille.pdf")}],
    }


def item(act: str, *, amount: str, quantity: int = 1, day: date | None = None, start: date | None = None,
         end: date | None = None, sequence: int = 1) -> dict:
    row = {"sequence": sequence, "productOrService": {"coding": [{"system": systems.acts(), "code": act}]},
           "quantity": {"value": quantity}, "net": {"value": float(Decimal(amount)), "currency": "MAD"}}
    if day:
        row["servicedDate"] = day.isoformat()
    if start:
        row["servicedPeriod"] = {"start": start.isoformat(), "end": end.isoformat()}
    return row


def preauthorization(beneficiary: Beneficiary, *, start: date, end: date, act: str = "HOSP", quantity: int = 3,
                     amount: str = "2100.00", identifier: str = "PA-REQ-1") -> dict:
    return _claim("preauthorization", beneficiary,
                  [item(act, amount=amount, quantity=quantity, start=start, end=end)], identifier)


def invoice(beneficiary: Beneficiary, *, agreement: str, items: list[dict], number: str = "FAC-2026-0001") -> dict:
    return _claim("claim", beneficiary, items, number, preAuthRef=[agreement])


def eligibility(beneficiary: Beneficiary, *, on: date, birth: date | None = None) -> dict:
    patient = _patient(beneficiary)
    if birth:
        patient["birthDate"] = birth.isoformat()
    return {"resourceType": "CoverageEligibilityRequest", "status": "active", "purpose": ["validation"],
            "contained": [patient], "patient": {"reference": "#p1"}, "created": "2026-11-20",
            "servicedDate": on.isoformat(), "insurer": {"display": "Mutuelle"}}
