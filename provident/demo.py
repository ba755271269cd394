"""The spec's sample reference data for provident benefits (effective 2023-01-01), loaded by seed_demo."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .models import BenefitCode, BenefitVersion, DocumentKind, RequiredDocument, SeniorityRate

SAMPLE_FROM = date(2023, 1, 1)
SAMPLE_BENEFITS = {
    BenefitCode.RETIREMENT: (Decimal("30000.00"), False),
    BenefitCode.MEMBER_DEATH: (Decimal("15000.00"), True),
    BenefitCode.SPOUSE_DEATH: (Decimal("3000.00"), False),
    BenefitCode.CHILD_DEATH: (Decimal("1500.00"), False),
}
SAMPLE_RATES = ((10, Decimal("0.50")), (20, Decimal("0.75")), (30, Decimal("1.00")))
SAMPLE_DOCUMENTS = {
    BenefitCode.RETIREMENT: (DocumentKind.RETIREMENT_DECISION,),
    BenefitCode.MEMBER_DEATH: (DocumentKind.DEATH_CERTIFICATE, DocumentKind.HEIRS_CERTIFICATE, DocumentKind.HEIR_CIN,
                               DocumentKind.HEIR_BANK),
    BenefitCode.SPOUSE_DEATH: (DocumentKind.DEATH_CERTIFICATE,),
    BenefitCode.CHILD_DEATH: (DocumentKind.DEATH_CERTIFICATE,),
}


def seed_provident_reference() -> None:
    """Idempotent: rows already there are left as they are (an administrator may have edited them)."""
    for code, (amount, always_review) in SAMPLE_BENEFITS.items():
        BenefitVersion.objects.get_or_create(code=code, effective_from=SAMPLE_FROM, defaults={
            "amount": amount, "late_days": 730, "review_threshold": Decimal("10000.00"),
            "always_review": always_review})
    for min_years, rate in SAMPLE_RATES:
        SeniorityRate.objects.get_or_create(effective_from=SAMPLE_FROM, min_years=min_years, defaults={"rate": rate})
    for code, kinds in SAMPLE_DOCUMENTS.items():
        for kind in kinds:
            RequiredDocument.objects.get_or_create(code=code, kind=kind, effective_from=SAMPLE_FROM)


RETIREE_CIN = "RT100001"


def _noon(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(12)))


def _retiree():
    from members.identifiers import membership_number_from_sequence, moroccan_iban_from_rib
    from members.models import AffiliationPeriod, Beneficiary, Member, Mutual

    existing = Member.objects.filter(cin=RETIREE_CIN).first()
    if existing:
        return existing, False
    mutual = Mutual.objects.get(is_ours=True)
    member = Member.objects.create(
        mutual=mutual, membership_number=membership_number_from_sequence(990_001), cin=RETIREE_CIN,
        first_name="Abdelkader", last_name="Mansouri", first_name_ar="عبد القادر", last_name_ar="المنصوري",
        birth_date=date(1962, 3, 1), sex="M", employer="Ministère de l'Éducation nationale",
        grade="Professeur du secondaire", iban=moroccan_iban_from_rib(f"{990_001:024d}"), phone="+212661000001")
    AffiliationPeriod.objects.create(member=member, start=date(1990, 9, 1), end=date(2024, 2, 29), status="retired")
    AffiliationPeriod.objects.create(member=member, start=date(2024, 3, 1), end=None, status="retired")
    Beneficiary.objects.create(member=member, relation="member", first_name=member.first_name,
                               last_name=member.last_name, birth_date=member.birth_date, sex="M")
    for first, born, relation, sex in (("Latifa", date(1966, 5, 2), "spouse", "F"),
                                       ("Sara", date(2003, 1, 10), "child", "F"),
                                       ("Anas", date(2008, 6, 1), "child", "M")):
        Beneficiary.objects.create(member=member, relation=relation, first_name=first, last_name=member.last_name,
                                   birth_date=born, sex=sex,
                                   marriage_start=date(1992, 7, 1) if relation == "spouse" else None)
    return member, True


def seed_provident_demo() -> int:
    """A retiree (Abdelkader Mansouri, member M of the worked examples) and a provident request in each state,
    among them the heirs of a member (Driss Alaoui) waiting for the second liquidator.
    Rows are written directly (the demo shows states; the worker decides real requests). Idempotent."""
    from claims.models import BatchStatus, PayeeKind, PaymentBatch, Transfer
    from claims.services.payments import member_payee
    from units.models import ServiceUnit

    from .models import PaidShare, ProvidentRequest, ProvidentShare, ProvidentStatusChange, RequestStatus

    seed_provident_reference()
    member, created = _retiree()
    if not created:
        return 0
    unit = ServiceUnit.objects.filter(code="taounate").first()
    spouse = member.beneficiaries.get(relation="spouse")
    sara, anas = member.beneficiaries.filter(relation="child").order_by("birth_date")
    D = Decimal
    rows = [  # benefit, event, received, deceased, status, amount, reason
        (BenefitCode.RETIREMENT, date(2024, 3, 1), date(2024, 4, 10), None, RequestStatus.PAID, D("30000.00"), ""),
        (BenefitCode.SPOUSE_DEATH, date(2026, 9, 1), date(2026, 11, 2), spouse, RequestStatus.LIQUIDATED,
         D("3000.00"), ""),
        (BenefitCode.CHILD_DEATH, date(2026, 10, 1), date(2026, 11, 3), anas, RequestStatus.LIQUIDATED,
         D("1500.00"), ""),
        (BenefitCode.CHILD_DEATH, date(2026, 10, 1), date(2026, 11, 10), anas, RequestStatus.REJECTED, D("0.00"),
         "ALREADY_PAID"),
        (BenefitCode.CHILD_DEATH, date(2026, 8, 15), date(2026, 11, 12), sara, RequestStatus.INCOMPLETE, None, ""),
        (BenefitCode.CHILD_DEATH, date(2026, 8, 15), date(2026, 11, 20), sara, RequestStatus.RECEIVED, None, ""),
    ]
    for benefit, event, received, deceased, status, amount, reason in rows:
        request = ProvidentRequest.objects.create(
            member=member, benefit=benefit, event_date=event, received_on=received, deceased=deceased,
            channel="front_desk", unit=unit, status=status, amount=amount, reason_code=reason, language="ar",
            liquidated_at=None if amount is None else _noon(received + timedelta(days=2)))
        ProvidentStatusChange.objects.create(request=request, to_status=RequestStatus.RECEIVED, reason="demo")
        if status != RequestStatus.RECEIVED:
            ProvidentStatusChange.objects.create(request=request, from_status=RequestStatus.RECEIVED,
                                                 to_status=status, reason=reason or "demo")
        if benefit == BenefitCode.RETIREMENT:
            request.seniority_days, request.seniority_years, request.seniority_rate = 12235, 33, D("1.0000")
            request.save(update_fields=["seniority_days", "seniority_years", "seniority_rate"])
        if status in (RequestStatus.IN_REVIEW, RequestStatus.LIQUIDATED, RequestStatus.PAID):
            assert amount is not None
            share = ProvidentShare.objects.create(request=request, amount=amount)
        if status == RequestStatus.PAID:
            assert amount is not None
            batch = PaymentBatch.objects.create(reference="PB-20240415-DEMO01", status=BatchStatus.CONFIRMED,
                                                total=amount)
            payee = member_payee(member)
            transfer = Transfer.objects.create(batch=batch, payee_kind=PayeeKind.MEMBER, payee_key=payee.key,
                                               payee_name=payee.name, member=member, iban=payee.iban, amount=amount,
                                               reference=f"{batch.reference}-{payee.reference}")
            PaidShare.objects.create(share=share, transfer=transfer, amount=amount)
    return len(rows) + _member_death_in_review(unit)


DECEASED_CIN = "RT100002"


def _member_death_in_review(unit) -> int:
    """The heirs of Driss Alaoui (died 2026-10-20) filed at Taounate, shares of the worked example 4; computed by
    the engine's split, waiting for a second liquidator."""
    from fractions import Fraction

    from members.identifiers import membership_number_from_sequence, moroccan_iban_from_rib
    from members.models import AffiliationPeriod, Beneficiary, Member, Mutual

    from . import engine
    from .models import Heir, ProvidentRequest, ProvidentShare, ProvidentStatusChange, RequestStatus

    if Member.objects.filter(cin=DECEASED_CIN).exists():
        return 0
    member = Member.objects.create(
        mutual=Mutual.objects.get(is_ours=True), membership_number=membership_number_from_sequence(990_002),
        cin=DECEASED_CIN, first_name="Driss", last_name="Alaoui", first_name_ar="إدريس", last_name_ar="العلوي",
        birth_date=date(1968, 4, 12), sex="M", employer="Ministère de la Santé", home_unit=unit,
        iban=moroccan_iban_from_rib(f"{990_002:024d}"))
    AffiliationPeriod.objects.create(member=member, start=date(1995, 1, 1), end=None, status="active")
    Beneficiary.objects.create(member=member, relation="member", first_name="Driss", last_name="Alaoui",
                               birth_date=member.birth_date, sex="M")
    request = ProvidentRequest.objects.create(
        member=member, benefit=BenefitCode.MEMBER_DEATH, event_date=date(2026, 10, 20),
        received_on=date(2026, 11, 5), channel="front_desk", unit=unit, status=RequestStatus.IN_REVIEW,
        amount=Decimal("15000.00"), liquidated_at=_noon(date(2026, 11, 6)), contact_name="Khadija Alaoui",
        contact_phone="+212661000002", language="ar")
    ProvidentStatusChange.objects.create(request=request, to_status=RequestStatus.RECEIVED, reason="demo")
    ProvidentStatusChange.objects.create(request=request, from_status=RequestStatus.RECEIVED,
                                         to_status=RequestStatus.IN_REVIEW, reason="demo")
    heirs = []
    for position, (first, relation, share) in enumerate((("Khadija", "spouse", "1/8"), ("Omar", "son", "7/24"),
                                                         ("Youssef", "son", "7/24"), ("Salma", "daughter", "7/24")),
                                                        1):
        numerator, denominator = share.split("/")
        heirs.append(Heir.objects.create(
            request=request, position=position, first_name=first, last_name="Alaoui", cin=f"RT2000{position:02d}",
            relation=relation, iban=moroccan_iban_from_rib(f"{990_100 + position:024d}"),
            share_numerator=int(numerator), share_denominator=int(denominator)))
    split = engine.split(Decimal("15000.00"), tuple(
        engine.HeirShare(key=str(h.pk), share=Fraction(h.share_numerator, h.share_denominator)) for h in heirs))
    ProvidentShare.objects.bulk_create([ProvidentShare(request=request, heir_id=int(key), amount=amount)
                                        for key, amount in split])
    return 1
