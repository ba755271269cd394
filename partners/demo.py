"""Demo partners: the two university hospitals under convention and a private clinic without one, each with
a staff account (password members.demo.DEMO_PASSWORD). Idempotent."""

from datetime import date

from claims.models import Act, Sector
from members.identifiers import moroccan_iban_from_rib
from members.models import User

from .models import Convention, Provider, ProviderAccount

CONVENTION_ACTS = ["HOSP", "K", "Z", "B", "MED"]
PROVIDERS = [
    # code, Latin name, Arabic name, sector, city, INPE, RIB, convention reference, staff account
    ("chu-ibn-sina", "CHU Ibn Sina", "المركز الاستشفائي الجامعي ابن سينا", Sector.PUBLIC, "Rabat", "110000001",
     "011810000012345678900012", "CONV-CHUIS-2025", "chu.ibnsina"),
    ("chu-hassan-ii", "CHU Hassan II", "المركز الاستشفائي الجامعي الحسن الثاني", Sector.PUBLIC, "Fès", "130000002",
     "011270000098765432100034", "CONV-CHUH2-2025", "chu.hassan2"),
    ("clinique-atlas", "Clinique Atlas", "مصحة الأطلس", Sector.PRIVATE, "Fès", "230000003",
     "007270000055544433300056", "", "clinique.atlas"),
]


def seed_partners() -> int:
    from members.demo import DEMO_PASSWORD

    acts = list(Act.objects.filter(code__in=CONVENTION_ACTS))
    for code, name, name_ar, sector, city, inpe, rib, convention, username in PROVIDERS:
        provider, _ = Provider.objects.update_or_create(code=code, defaults={
            "name": name, "name_ar": name_ar, "sector": sector, "city": city, "inpe": inpe,
            "iban": moroccan_iban_from_rib(rib)})
        if convention:
            row, _ = Convention.objects.update_or_create(reference=convention, defaults={
                "provider": provider, "valid_from": date(2025, 1, 1), "valid_to": date(2027, 12, 31),
                "decision_hours": 48})
            row.acts.set(acts)
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": "Service", "last_name": name, "language": "fr"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        ProviderAccount.objects.update_or_create(user=user, defaults={"provider": provider})
    return Provider.objects.count()
