"""Booking online: a member and a child of the same name are told apart by their relation."""

from django.urls import reverse

from tests.factories import BeneficiaryFactory

from .factories import SlotFactory


def test_each_person_to_book_for_is_named_with_the_relation(client, member, taounate):
    SlotFactory(unit=taounate)
    himself = member.beneficiaries.get()
    son = BeneficiaryFactory(member=member, relation="child", sex="M", first_name=himself.first_name,
                             last_name=himself.last_name)
    client.force_login(member.user)
    page = client.get(reverse("units:my_booking") + "?unit=taounate&service=dental_care",
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    name = f"{himself.first_name} {himself.last_name}"
    relation = "L’adhérent lui-même" if himself.sex == "M" else "L’adhérente elle-même"
    assert f'for="mb-{himself.pk}">{name} ({relation})</label>' in page
    assert f'for="mb-{son.pk}">{name} (Enfant)</label>' in page
