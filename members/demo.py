"""Demo members: a few dozen families covering every eligibility situation of rule 2, and the accounts."""

import random
from datetime import date

from django.db import transaction

from units.models import ServiceUnit, StaffRole
from units.services_staff import staff_assign, staff_role_grant

from .identifiers import membership_number_from_sequence, moroccan_iban_from_rib
from .models import (
    AffiliationPeriod,
    AffiliationStatus,
    Beneficiary,
    Member,
    Mutual,
    Relation,
    StudentPeriod,
    User,
)

DEMO_PASSWORD = "Demo-Mutuelle-2026"
TODAY = date(2026, 11, 23)

MUTUALS = [
    {"code": "ours", "name_fr": "Mutuelle Générale du Personnel des Administrations Publiques",
     "name_ar": "التعاضدية العامة لموظفي الإدارات العمومية", "is_ours": True},
    {"code": "mgen", "name_fr": "Mutuelle Générale de l'Éducation Nationale",
     "name_ar": "التعاضدية العامة للتربية الوطنية", "is_ours": False},
]

FIRST_NAMES = [("Mohamed", "محمد", "M"), ("Fatima", "فاطمة", "F"), ("Ahmed", "أحمد", "M"), ("Khadija", "خديجة", "F"),
               ("Youssef", "يوسف", "M"), ("Amina", "أمينة", "F"), ("Hassan", "حسن", "M"), ("Naima", "نعيمة", "F"),
               ("Omar", "عمر", "M"), ("Salma", "سلمى", "F"), ("Karim", "كريم", "M"), ("Zineb", "زينب", "F")]
LAST_NAMES = [("Alaoui", "العلوي"), ("Bennani", "بناني"), ("Tazi", "التازي"), ("Idrissi", "الإدريسي"),
              ("Fassi", "الفاسي"), ("Berrada", "برادة"), ("Chraibi", "الشرايبي"), ("Amrani", "العمراني"),
              ("Kettani", "الكتاني"), ("Ouazzani", "الوزاني")]
EMPLOYERS = ["Ministère de l'Éducation nationale", "Ministère de la Santé", "Ministère de l'Intérieur",
             "Ministère de l'Économie et des Finances", "Ministère de la Justice", "Province de Taounate"]
GRADES = ["Administrateur 2e grade", "Technicien 3e grade", "Ingénieur d'État", "Adjoint administratif",
          "Infirmier", "Professeur du secondaire"]

# The situations each demo family shows, cycled over the members (see README "Demo data").
CHILD_SITUATIONS = [
    "under_21", "turns_21_soon", "student_22", "over_age_23", "disabled_30", "student_over_26", "under_21_and_student",
]

STAFF = [
    ("agent.taounate", "Rachid", "Agent Taounate", "taounate", StaffRole.FRONT_DESK),
    ("agent.sefrou", "Samira", "Agent Sefrou", "sefrou", StaffRole.FRONT_DESK),
    ("agent.essaouira", "Mehdi", "Agent Essaouira", "essaouira", StaffRole.FRONT_DESK),
    ("manager.taounate", "Latifa", "Responsable Taounate", "taounate", StaffRole.UNIT_MANAGER),
    ("manager.sefrou", "Driss", "Responsable Sefrou", "sefrou", StaffRole.UNIT_MANAGER),
    ("manager.essaouira", "Houda", "Responsable Essaouira", "essaouira", StaffRole.UNIT_MANAGER),
    ("liquidator", "Nadia", "Liquidatrice", "taounate", StaffRole.LIQUIDATOR),
]

MEMBER_COUNT = 36
MEMBERS_WITH_ACCOUNTS = 3


def _years_before(day: date, years: int, days: int = 0) -> date:
    from datetime import timedelta

    try:
        shifted = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        shifted = day.replace(year=day.year - years, day=28)
    return shifted - timedelta(days=days)


def _account(username: str, *, first_name: str, last_name: str, email: str = "", **flags: bool) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": first_name, "last_name": last_name, "email": email, **flags})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _child(member: Member, index: int, situation: str, rng: random.Random) -> None:
    first, first_ar, sex = FIRST_NAMES[(member.pk + index) % len(FIRST_NAMES)]
    ages = {"under_21": (10, 0), "turns_21_soon": (20, -40), "student_22": (22, 0), "over_age_23": (23, 0),
            "disabled_30": (30, 0), "student_over_26": (27, 0), "under_21_and_student": (19, 0)}
    years, days = ages[situation]
    birth = _years_before(TODAY, years, days + rng.randint(0, 200) if days == 0 else days)
    child, _ = Beneficiary.objects.update_or_create(
        member=member, relation=Relation.CHILD, first_name=first,
        defaults={"last_name": member.last_name, "first_name_ar": first_ar, "last_name_ar": member.last_name_ar,
                  "birth_date": birth, "sex": sex,
                  "disabled_from": birth if situation == "disabled_30" else None},
    )
    if situation in {"student_22", "student_over_26", "under_21_and_student"}:
        for year in (2025, 2026):
            StudentPeriod.objects.get_or_create(beneficiary=child, start=date(year, 9, 1),
                                                defaults={"end": date(year + 1, 7, 31)})


@transaction.atomic
def seed_members() -> dict[str, int]:
    mutuals = {m["code"]: Mutual.objects.update_or_create(code=m["code"], defaults=m)[0] for m in MUTUALS}
    units = {unit.code: unit for unit in ServiceUnit.objects.all()}
    unit_cycle = ["taounate", "sefrou", "essaouira"]
    for sequence in range(1, MEMBER_COUNT + 1):
        rng = random.Random(sequence)  # one seed per member keeps every run identical
        first, first_ar, sex = FIRST_NAMES[sequence % len(FIRST_NAMES)]
        last, last_ar = LAST_NAMES[sequence % len(LAST_NAMES)]
        sister = sequence % 9 == 0
        number = membership_number_from_sequence(sequence)
        member, _ = Member.objects.update_or_create(membership_number=number, defaults={
            "mutual": mutuals["mgen" if sister else "ours"],
            "cin": f"{'ABCDEFGHJK'[sequence % 10]}{'CDK'[sequence % 3]}{100000 + sequence * 7919 % 899999}",
            "first_name": first, "last_name": last, "first_name_ar": first_ar, "last_name_ar": last_ar,
            "birth_date": date(1965 + sequence % 30, 1 + sequence % 12, 1 + sequence % 28), "sex": sex,
            "employer": EMPLOYERS[sequence % len(EMPLOYERS)], "grade": GRADES[sequence % len(GRADES)],
            "phone": f"+2126{sequence:08d}", "email": f"member{sequence}@example.ma",
            "address": f"{sequence} Rue {LAST_NAMES[(sequence + 3) % len(LAST_NAMES)][0]}, "
                       f"{units[unit_cycle[sequence % 3]].city}",
            "iban": "" if sequence % 11 == 0 else moroccan_iban_from_rib(f"0117800000{sequence:012d}00"),
            "home_unit": units[unit_cycle[sequence % 3]],
        })
        if not member.affiliations.exists():
            status = AffiliationStatus.RETIRED if sequence % 13 == 0 else AffiliationStatus.ACTIVE
            AffiliationPeriod.objects.create(member=member, start=date(2010 + sequence % 10, 1, 1),
                                             end=date(2019, 12, 31) if sequence % 17 == 0 else None,
                                             status=AffiliationStatus.CLOSED if sequence % 17 == 0 else status,
                                             complementary=sequence % 7 != 0)
        Beneficiary.objects.update_or_create(member=member, relation=Relation.MEMBER, defaults={
            "first_name": first, "last_name": last, "first_name_ar": first_ar, "last_name_ar": last_ar,
            "birth_date": member.birth_date, "sex": sex, "cin": member.cin})
        if sequence % 5 != 0:
            spouse_first, spouse_first_ar, spouse_sex = FIRST_NAMES[(sequence + 1) % len(FIRST_NAMES)]
            Beneficiary.objects.update_or_create(member=member, relation=Relation.SPOUSE, first_name=spouse_first,
                                                 defaults={
                "last_name": LAST_NAMES[(sequence + 4) % len(LAST_NAMES)][0], "first_name_ar": spouse_first_ar,
                "birth_date": date(1968 + sequence % 30, 6, 15), "sex": spouse_sex,
                "marriage_start": date(1995 + sequence % 20, 7, 1),
                "marriage_end": date(2024, 3, 1) if sequence % 6 == 0 else None})
        for index in range(sequence % 3 + 1):
            _child(member, index, CHILD_SITUATIONS[(sequence + index) % len(CHILD_SITUATIONS)], rng)
        if sequence <= MEMBERS_WITH_ACCOUNTS and member.user_id is None:
            member.user = _account(number, first_name=first, last_name=last, email=member.email)
            member.save(update_fields=["user"])

    admin = _account("admin", first_name="Admin", last_name="Mutuelle", is_staff=True, is_superuser=True)
    staff_role_grant(user=admin, role="admin")
    for username, first_name, last_name, unit_code, role in STAFF:
        user = _account(username, first_name=first_name, last_name=last_name, is_staff=True)
        staff_assign(user=user, unit=units[unit_code], role=role)  # the assignment and the role's group
    return {"members": Member.objects.count(), "beneficiaries": Beneficiary.objects.count()}
