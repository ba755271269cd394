"""Demo reference data: the sample nomenclature of docs/liquidation.md (2023 tariffs and the 2026 revision)."""

from dataclasses import asdict
from datetime import date

from .liquidation import sample_acts, sample_categories, sample_parameters
from .models import Act, ActVersion, Category, CategoryRate, RequiredDocument, RuleParameters

CATEGORY_NAMES = {
    "CONSULTATION": ("Consultations", "الاستشارات"),
    "LABORATORY": ("Analyses de biologie", "التحاليل البيولوجية"),
    "IMAGING": ("Imagerie", "التصوير الطبي"),
    "PROCEDURE": ("Actes techniques et chirurgicaux", "الأعمال التقنية والجراحية"),
    "DENTAL": ("Soins dentaires", "علاجات الأسنان"),
    "MEDICINE": ("Médicaments", "الأدوية"),
    "HOSPITAL": ("Hospitalisation", "الاستشفاء"),
    "OPTICS": ("Optique", "البصريات"),
    "DENTURE": ("Prothèses dentaires", "أطقم الأسنان"),
}
ACT_NAMES = {
    "C": ("Consultation, médecin généraliste", "استشارة طبيب عام"),
    "CS": ("Consultation, médecin spécialiste", "استشارة طبيب مختص"),
    "CNPSY": ("Consultation, neuropsychiatre", "استشارة طبيب الأمراض العصبية والنفسية"),
    "B": ("Analyse de laboratoire, par coefficient B", "تحليل مختبري، حسب المعامل B"),
    "Z": ("Imagerie, par coefficient Z", "تصوير طبي، حسب المعامل Z"),
    "K": ("Acte technique ou chirurgical, par coefficient K", "عمل تقني أو جراحي، حسب المعامل K"),
    "D": ("Soins dentaires, par coefficient D", "علاجات الأسنان، حسب المعامل D"),
    "MED": ("Médicaments, prix public", "الأدوية، الثمن العمومي"),
    "HOSP": ("Journée d'hospitalisation", "يوم استشفاء"),
    "PAD": ("Prothèse dentaire amovible", "طقم أسنان غير ثابت"),
    "OPT-FRAME": ("Monture de lunettes", "إطار النظارات"),
    "OPT-LENS": ("Verre de lunettes", "عدسة النظارات"),
}


# docs/liquidation.md, "Documents before pricing": a care sheet for every line, a prescription for medicines,
# laboratory and imaging, an invoice for optics, dentures and hospital stays.
SAMPLE_DOCUMENTS_FROM = date(2000, 1, 1)
SAMPLE_REQUIRED_DOCUMENTS = {
    "CONSULTATION": ["care_sheet"], "PROCEDURE": ["care_sheet"], "DENTAL": ["care_sheet"],
    "LABORATORY": ["care_sheet", "prescription"], "IMAGING": ["care_sheet", "prescription"],
    "MEDICINE": ["care_sheet", "prescription"],
    "OPTICS": ["care_sheet", "invoice"], "DENTURE": ["care_sheet", "invoice"], "HOSPITAL": ["care_sheet", "invoice"],
}


def seed_reference() -> dict[str, int]:
    categories = {}
    for rates in sample_categories():
        name_fr, name_ar = CATEGORY_NAMES[rates.code]
        category, _ = Category.objects.update_or_create(
            code=rates.code, defaults={"name_en": rates.label, "name_fr": name_fr, "name_ar": name_ar})
        CategoryRate.objects.update_or_create(category=category, effective_from=rates.effective_from, defaults={
            "amo_rate_public": rates.amo_rate_public, "amo_rate_private": rates.amo_rate_private,
            "complementary_rate": rates.complementary_rate})
        categories[rates.code] = category
    for version in sample_acts():
        name_fr, name_ar = ACT_NAMES[version.code]
        act, _ = Act.objects.update_or_create(
            code=version.code, defaults={"name_en": version.label, "name_fr": name_fr, "name_ar": name_ar})
        ActVersion.objects.update_or_create(act=act, effective_from=version.effective_from, defaults={
            "category": categories[version.category], "tnr": version.tnr,
            "needs_prior_agreement": version.needs_prior_agreement, "frequency_limit": version.frequency_limit,
            "ceiling_group": version.ceiling_group or "", "ceiling_amount": version.ceiling_amount})
    for parameters in sample_parameters():
        values = asdict(parameters)
        # No random documents check in the sample (tests and the demo must be predictable): a real mutual
        # sets its rate in the admin (the field's default, for rows created there, is 5 %).
        values["documents_check_rate"] = 0
        RuleParameters.objects.update_or_create(effective_from=values.pop("effective_from"), defaults=values)
    for code, kinds in SAMPLE_REQUIRED_DOCUMENTS.items():
        for kind in kinds:
            RequiredDocument.objects.get_or_create(category=categories[code], kind=kind,
                                                   effective_from=SAMPLE_DOCUMENTS_FROM)
    return {"acts": Act.objects.count(), "categories": Category.objects.count()}


def seed_claims() -> int:
    """A few files for the members with web accounts, registered at their unit's desk (make run's demo).

    Registered through the intake service with fixed idempotency keys, so a second run adds nothing; with no
    broker configured they are liquidated at once, in-process."""
    from datetime import timedelta
    from decimal import Decimal

    from members.models import Member
    from units.models import StaffAssignment, StaffRole

    from .services.intake import LineData, claim_register_at_desk, today

    day = today()
    files = [  # (act code, quantity, billed amount, days before today)
        [("C", 1, "100.00", 12)],
        [("CS", 1, "250.00", 9), ("MED", 1, "235.55", 9), ("B", 120, "150.00", 8)],
        [("K", 400, "7000.00", 6)],  # above the review threshold: waits in the liquidator's queue
    ]
    count = 0
    for member in Member.objects.filter(user__isnull=False).select_related("home_unit").order_by("pk"):
        agent = StaffAssignment.objects.filter(unit=member.home_unit, role=StaffRole.FRONT_DESK).first()
        beneficiary = member.beneficiaries.get(relation="member")
        if agent is None or member.home_unit is None:
            continue
        for index, lines in enumerate(files):
            claim_register_at_desk(
                member=member, beneficiary=beneficiary, unit=member.home_unit, by=agent.user,
                received_on=day - timedelta(days=2), provider_name="Cabinet Dr. Benjelloun",
                idempotency_key=f"demo-{member.membership_number}-{index}",
                lines=[LineData(act_code=code, care_date=day - timedelta(days=days_ago), quantity=quantity,
                                billed_amount=Decimal(amount)) for code, quantity, amount, days_ago in lines])
            count += 1
    return count
