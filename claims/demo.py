"""Demo reference data: the sample nomenclature of liquidation.md (2023 tariffs and the 2026 revision)."""

from dataclasses import asdict

from .liquidation import sample_acts, sample_categories, sample_parameters
from .models import Act, ActVersion, Category, CategoryRate, RuleParameters

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
        RuleParameters.objects.update_or_create(effective_from=values.pop("effective_from"), defaults=values)
    return {"acts": Act.objects.count(), "categories": Category.objects.count()}
