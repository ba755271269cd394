"""Factories of the units app (service units, staff, visits, slots, appointments, lab orders)."""

from datetime import time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import BeneficiaryFactory, MemberFactory, StaffUserFactory
from units.models import (
    Appointment,
    LabOrder,
    OpeningHours,
    Service,
    ServiceUnit,
    Slot,
    StaffRole,
    Visit,
)
from units.services_staff import staff_assign


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = "dental_care"
    name_en = factory.LazyAttribute(lambda s: s.code.replace("_", " ").title())
    name_fr = factory.LazyAttribute(lambda s: f"FR {s.code}")
    name_ar = factory.LazyAttribute(lambda s: f"AR {s.code}")
    bookable = True


class ServiceUnitFactory(DjangoModelFactory):
    class Meta:
        model = ServiceUnit
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "taounate"
    name_fr = factory.LazyAttribute(lambda u: f"Unité de {u.code.title()}")
    name_ar = factory.LazyAttribute(lambda u: f"وحدة {u.code}")
    city = factory.LazyAttribute(lambda u: u.code.title())
    region = "Fès-Meknès"

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):  # noqa: N805
        """Monday to Friday, 08:30 to 16:30 (hours=[] for a unit without hours)."""
        if create and not obj.opening_hours.exists():
            week = extracted if extracted is not None else [(day, time(8, 30), time(16, 30)) for day in range(5)]
            OpeningHours.objects.bulk_create([OpeningHours(unit=obj, weekday=day, opens=opens, closes=closes)
                                              for day, opens, closes in week])

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.services.set(extracted if extracted is not None else [
                ServiceFactory(code="dental_care"), ServiceFactory(code="dentures"),
                ServiceFactory(code="claim_reception", bookable=False)])


def staff(unit: ServiceUnit, role: str = StaffRole.FRONT_DESK, **kwargs):
    user = StaffUserFactory(**kwargs)
    staff_assign(user=user, unit=unit, role=role)  # the assignment and the role's group, as at the desk
    return user


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    unit = factory.SubFactory(ServiceUnitFactory)
    member = factory.SubFactory(MemberFactory)
    arrived_at = factory.LazyFunction(timezone.now)
    request_types = factory.LazyFunction(lambda: ["claim_deposit"])


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = Slot

    unit = factory.SubFactory(ServiceUnitFactory)
    service = factory.LazyFunction(lambda: ServiceFactory(code="dental_care"))
    practitioner_name = "Dr Amal Bennis"
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    end = factory.LazyAttribute(lambda s: s.start + timedelta(minutes=45))
    capacity = 1


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    slot = factory.SubFactory(SlotFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    member = factory.LazyAttribute(lambda a: a.beneficiary.member)


class LabOrderFactory(DjangoModelFactory):
    class Meta:
        model = LabOrder

    unit = factory.SubFactory(ServiceUnitFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    member = factory.LazyAttribute(lambda o: o.beneficiary.member)
    practitioner_name = "Prothésiste Karim Saadi"
    price = Decimal("4500.00")
    impression_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
