"""factory_boy factories, grouped by app. Add yours under your app's heading."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from members.identifiers import membership_number_from_sequence, moroccan_iban_from_rib
from members.models import (
    AffiliationPeriod,
    AffiliationStatus,
    Beneficiary,
    Member,
    Mutual,
    Relation,
    StudentPeriod,
    User,
)

# --- members ---------------------------------------------------------------------------------------------------

PASSWORD = "Factory-Password-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ma")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class StaffUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True


class MutualFactory(DjangoModelFactory):
    class Meta:
        model = Mutual
        django_get_or_create = ("code",)

    code = "ours"
    name_fr = "Mutuelle Générale"
    name_ar = "التعاضدية العامة"
    is_ours = True


class SisterMutualFactory(MutualFactory):
    code = "sister"
    name_fr = "Mutuelle sœur"
    name_ar = "تعاضدية شقيقة"
    is_ours = False


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    mutual = factory.SubFactory(MutualFactory)
    membership_number = factory.Sequence(lambda n: membership_number_from_sequence(500_000 + n))
    cin = factory.Sequence(lambda n: f"ZT{100000 + n}")
    first_name = "Amina"
    last_name = factory.Sequence(lambda n: f"Family{n}")
    first_name_ar = "أمينة"
    last_name_ar = "العلوي"
    birth_date = date(1980, 5, 17)
    sex = "F"
    employer = "Ministère de la Santé"
    grade = "Infirmier"
    phone = "+212600000000"
    email = factory.Sequence(lambda n: f"member{n}@example.ma")
    address = "12 Avenue Essalam, Taounate"
    iban = factory.Sequence(lambda n: moroccan_iban_from_rib(f"011780000000{n:010d}00"))

    @factory.post_generation
    def with_self(obj, create, extracted, **kwargs):  # noqa: N805
        """Every member is his own first beneficiary (pass with_self=False to skip)."""
        if create and extracted is not False:
            Beneficiary.objects.create(
                member=obj, relation=Relation.MEMBER, first_name=obj.first_name, last_name=obj.last_name,
                birth_date=obj.birth_date, sex=obj.sex, cin=obj.cin,
            )

    @factory.post_generation
    def affiliated_since(obj, create, extracted, **kwargs):  # noqa: N805
        """An open active affiliation from 2015, or from the date given; affiliated_since=False for none."""
        if create and extracted is not False:
            AffiliationPeriod.objects.create(member=obj, start=extracted or date(2015, 1, 1))


class AffiliationFactory(DjangoModelFactory):
    class Meta:
        model = AffiliationPeriod

    member = factory.SubFactory(MemberFactory, affiliated_since=False)
    start = date(2015, 1, 1)
    end = None
    status = AffiliationStatus.ACTIVE
    complementary = True


class BeneficiaryFactory(DjangoModelFactory):
    class Meta:
        model = Beneficiary

    member = factory.SubFactory(MemberFactory)
    relation = Relation.CHILD
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = factory.LazyAttribute(lambda b: b.member.last_name)
    birth_date = date(2010, 3, 14)
    sex = "M"


class SpouseFactory(BeneficiaryFactory):
    relation = Relation.SPOUSE
    first_name = "Karim"
    birth_date = date(1978, 2, 2)
    marriage_start = date(2005, 7, 1)


class StudentPeriodFactory(DjangoModelFactory):
    class Meta:
        model = StudentPeriod

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    start = date(2025, 9, 1)
    end = date(2026, 7, 31)
