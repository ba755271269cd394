"""Demo data of the units: the three units of docs/domain.md with their real facts, and the services catalogue."""

from datetime import date, time
from decimal import Decimal

from .models import Service, ServiceUnit
from .services_hours import unit_opening_hours_set

SERVICES = [
    ("claim_reception", "Reception and registration of sickness files",
     "Réception et enregistrement des dossiers maladie", "إستقبال وتسجيل ملفات المرض", False),
    ("liquidation", "Liquidation of files", "Liquidation des dossiers", "تصفية الملفات", False),
    ("memberships", "Memberships", "Adhésions", "الإنخراطات", False),
    ("social_provident", "Social provident", "Prévoyance sociale", "الإحتياط الإجتماعي", False),
    ("admin_updates", "Updating administrative data", "Mise à jour des données administratives",
     "تحديث البيانات الإدارية", False),
    ("dental_care", "Dental care", "Soins dentaires", "طب الأسنان", True),
    ("dentures", "Removable dentures", "Prothèses dentaires amovibles", "صناعة أطقم الأسنان غير الثابتة", True),
    ("optics", "Optics", "Optique", "البصريات", True),
    ("medical_exams", "Medical examinations", "Examens médicaux", "الفحوصات الطبية", True),
    ("reception", "Reception and orientation", "Accueil et orientation", "إستقبال وتوجيه المنخرطين والمرتفقين", False),
]

# The public administration's week (Monday to Friday, 08:30 to 16:30, continuous day), as the units published it.
WEEK = [(weekday, time(8, 30), time(16, 30)) for weekday in range(5)]
HOURS = {"taounate": WEEK, "sefrou": WEEK, "essaouira": WEEK}

UNITS = [
    {
        "code": "taounate", "name_fr": "Unité de services de Taounate",
        "name_ar": "الوحدة الصحية والإدارية والإجتماعية بتاونات", "city": "Taounate", "region": "Fès-Meknès",
        "address": "Avenue Essalam, en face de la trésorerie provinciale",
        "address_ar": "شارع السلام، مقابل الخزينة الإقليمية",
        "latitude": Decimal("34.536000"), "longitude": Decimal("-4.640000"), "opened_on": date(2025, 4, 15),
        "plot_area_m2": 219, "built_area_m2": 113, "floors": "Rez-de-chaussée + 1er étage", "staff_count": 14,
        "members_served": 4300, "phone": "+212535000001",
    },
    {
        "code": "sefrou", "name_fr": "Unité de services de Sefrou",
        "name_ar": "الوحدة الصحية والإدارية والإجتماعية بصفرو", "city": "Sefrou", "region": "Fès-Meknès",
        "address": "Hay Rfaif, centre-ville", "address_ar": "حي الرفايف، وسط المدينة",
        "latitude": Decimal("33.830000"), "longitude": Decimal("-4.830000"), "opened_on": date(2025, 4, 16),
        "plot_area_m2": None, "built_area_m2": 102, "floors": "", "staff_count": 6, "members_served": None,
        "phone": "+212535000002",
    },
    {
        "code": "essaouira", "name_fr": "Unité de services d'Essaouira",
        "name_ar": "الوحدة الصحية والإدارية والإجتماعية بالصويرة", "city": "Essaouira",
        "region": "Marrakech-Safi", "address": "", "address_ar": "",  # opened in April 2025, day not public
        "latitude": Decimal("31.510000"), "longitude": Decimal("-9.770000"), "opened_on": None,
        "plot_area_m2": None, "built_area_m2": 160, "floors": "", "staff_count": 11, "members_served": None,
        "phone": "+212524000003",
    },
]


def seed_units() -> list[ServiceUnit]:
    services = []
    for code, name_en, name_fr, name_ar, bookable in SERVICES:
        service, _ = Service.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_fr": name_fr, "name_ar": name_ar, "bookable": bookable}
        )
        services.append(service)
    units = []
    for facts in UNITS:
        unit, _ = ServiceUnit.objects.update_or_create(code=facts["code"], defaults={
            key: value for key, value in facts.items() if key != "code"})
        if set(unit.services.all()) != set(services):
            unit.services.set(services)
        if not unit.opening_hours.exists():  # a manager's own hours survive a second seeding
            unit_opening_hours_set(unit=unit, by=None, periods=HOURS[unit.code])
        units.append(unit)
    return units


# --- Desk demo: slots, appointments, visits over the last 30 days, lab orders ------------------------------------

PRACTITIONERS = {
    "dental_care": ["Dr Amal Bennis", "Dr Yassine Ouali"],
    "dentures": ["Prothésiste Karim Saadi"],
    "optics": ["Opticienne Leila Fassi"],
    "medical_exams": ["Dr Hicham Naciri"],
}
SLOT_HOURS = [(9, 0), (10, 0), (11, 0), (14, 0), (15, 0)]


def _local(day, hour: int, minute: int = 0):
    from datetime import datetime

    from django.utils import timezone

    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone()).replace(
        hour=hour, minute=minute)


def seed_desk() -> dict[str, int]:
    """Slots for the next two weeks, a few appointments, 30 days of visits and some lab orders, relative to today.

    Idempotent: slots are keyed by unit, service, practitioner and start; visits, appointments and lab orders are
    only added to a unit that has none yet."""
    import random
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from members.models import Member, User

    from .models import (
        Appointment,
        AppointmentStatus,
        LabOrder,
        LabStage,
        RequestType,
        Slot,
        StaffAssignment,
        StaffRole,
        Visit,
        VisitStatus,
    )

    today = timezone.localdate()
    services = {s.code: s for s in Service.objects.filter(code__in=PRACTITIONERS)}
    wanted = []
    for unit in ServiceUnit.objects.order_by("code"):
        for offset in range(-30, 15):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for code, names in PRACTITIONERS.items():
                for name in names:
                    for hour, minute in SLOT_HOURS[: 5 if code == "dental_care" else 3]:
                        start = _local(day, hour, minute)
                        wanted.append(Slot(unit=unit, service=services[code], practitioner_name=name, start=start,
                                           end=start + timedelta(minutes=45),
                                           capacity=2 if code == "medical_exams" else 1))
    existing = set(Slot.objects.values_list("unit_id", "service_id", "practitioner_name", "start"))
    missing = [slot for slot in wanted
               if (slot.unit.pk, slot.service.pk, slot.practitioner_name, slot.start) not in existing]
    Slot.objects.bulk_create(missing)
    created_slots = len(missing)

    agents = {a.unit_id: a.user for a in StaffAssignment.objects.filter(role=StaffRole.FRONT_DESK)
              .select_related("user")}
    members = list(Member.objects.filter(mutual__is_ours=True).prefetch_related("beneficiaries")
                   .order_by("membership_number"))
    if not members:
        return {"slots": created_slots}
    oriented = list(Service.objects.exclude(code="reception"))
    request_for = {"claim_reception": RequestType.CLAIM_DEPOSIT, "liquidation": RequestType.CLAIM_FOLLOW_UP,
                   "memberships": RequestType.MEMBERSHIP, "social_provident": RequestType.SOCIAL_PROVIDENT,
                   "admin_updates": RequestType.ADMIN_UPDATE, "dental_care": RequestType.CARE,
                   "dentures": RequestType.DENTURES, "optics": RequestType.CARE,
                   "medical_exams": RequestType.CARE}
    now = timezone.now()
    for unit in ServiceUnit.objects.order_by("code"):
        rng = random.Random(unit.code)
        agent = agents.get(unit.pk)
        if not Visit.objects.filter(unit=unit).exists():
            visits = []
            for offset in range(-29, 1):
                day = today + timedelta(days=offset)
                if day.weekday() >= 5:
                    continue
                for n in range(rng.randint(3, 9) if offset < 0 else 4):
                    arrived = _local(day, 8 + n, rng.randint(30, 59) if n == 0 else rng.randint(0, 59))
                    if arrived > now:
                        arrived = now - timedelta(minutes=5 * (n + 1))
                    service = rng.choice(oriented)
                    member = rng.choice(members)
                    waiting = offset == 0 and n >= 2
                    served = None if waiting else arrived + timedelta(minutes=rng.randint(3, 40))
                    if served and served > now:
                        served = now
                    visits.append(Visit(
                        unit=unit, member=member, visitor_mutual=member.mutual,
                        request_types=[request_for[service.code]], oriented_to=None if waiting else service,
                        staff=None if waiting else agent, arrived_at=arrived, served_at=served,
                        closed_at=None if waiting or (offset == 0 and n == 1) else served,
                        status=VisitStatus.OPEN if waiting else (
                            VisitStatus.IN_PROGRESS if offset == 0 and n == 1 else VisitStatus.CLOSED),
                        outcome="" if waiting else "Traité au guichet."))
            visits.append(Visit(unit=unit, visitor_name="Abdelilah Mansouri", visitor_cin="CD123456",
                                request_types=[RequestType.INFORMATION, RequestType.MEMBERSHIP],
                                arrived_at=now - timedelta(minutes=3), status=VisitStatus.OPEN))
            Visit.objects.bulk_create(visits)

        if not Appointment.objects.filter(slot__unit=unit).exists():
            slots = list(Slot.objects.filter(unit=unit).filter(Q(start__gte=_local(today - timedelta(days=30), 0)))
                         .order_by("start"))
            appointments = []
            # Members with a web account get two appointments each (one past, one to come), not dozens.
            walk_ins = [m for m in members if m.user_id is None] or members
            for index, slot in enumerate(slots):
                if rng.random() > 0.45:
                    continue
                member = walk_ins[index % len(walk_ins)]
                beneficiary = member.beneficiaries.all()[0]
                is_past = slot.start < now
                appointments.append(Appointment(
                    slot=slot, member=member, beneficiary=beneficiary, booked_by=agent,
                    status=(rng.choice([AppointmentStatus.ATTENDED, AppointmentStatus.ATTENDED,
                                        AppointmentStatus.NO_SHOW]) if is_past else AppointmentStatus.BOOKED)))
            online = [m for m in members if m.user_id is not None and (m.home_unit_id == unit.pk)]
            taken = {a.slot_id for a in appointments}
            past = [s for s in slots if s.start < now and s.pk not in taken]
            future = [s for s in slots if s.start > now + timedelta(days=1) and s.pk not in taken]
            for index, member in enumerate(online):
                beneficiary = member.beneficiaries.all()[0]
                if len(past) > index and len(future) > index * 3:
                    appointments.append(Appointment(slot=past[-1 - index], member=member, beneficiary=beneficiary,
                                                    booked_by=agent, status=AppointmentStatus.ATTENDED))
                    appointments.append(Appointment(slot=future[index * 3], member=member, beneficiary=beneficiary,
                                                    booked_by=member.user))
            Appointment.objects.bulk_create(appointments)

        if not LabOrder.objects.filter(unit=unit).exists():
            for index, stage in enumerate([LabStage.IMPRESSION, LabStage.TRY_IN]):
                member = members[(index + len(unit.code)) % len(members)] if unit.code != "taounate" else members[
                    index]
                beneficiary = member.beneficiaries.all()[0]
                LabOrder.objects.create(
                    unit=unit, member=member, beneficiary=beneficiary, practitioner_name=PRACTITIONERS["dentures"][0],
                    price="4500.00", stage=stage, impression_on=today - timedelta(days=20),
                    try_in_on=today - timedelta(days=6) if stage == LabStage.TRY_IN else None,
                    created_by=agent or User.objects.filter(is_superuser=True).first())
    return {"slots": Slot.objects.count(), "visits": Visit.objects.count()}
