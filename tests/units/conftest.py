"""The cast of the units tests: two units, an agent of each, a manager, a liquidator, a member with a web account."""

import pytest

from tests.factories import MemberFactory, UserFactory
from units.models import StaffRole

from .factories import ServiceUnitFactory, staff


@pytest.fixture
def taounate(db):
    return ServiceUnitFactory(code="taounate")


@pytest.fixture
def sefrou(db):
    return ServiceUnitFactory(code="sefrou")


@pytest.fixture
def agent_taounate(taounate):
    return staff(taounate, username="agent.t", first_name="Rachid")


@pytest.fixture
def agent_sefrou(sefrou):
    return staff(sefrou, username="agent.s", first_name="Samira")


@pytest.fixture
def manager_taounate(taounate):
    return staff(taounate, StaffRole.UNIT_MANAGER, username="manager.t")


@pytest.fixture
def liquidator(taounate):
    return staff(taounate, StaffRole.LIQUIDATOR, username="liq")


@pytest.fixture
def member(db):
    user = UserFactory(username="0000000018")
    return MemberFactory(user=user)


@pytest.fixture
def ours_reference(db):
    """The acts and rule parameters (the PAD act is needed by the lab's claim files)."""
    from claims.demo import seed_reference

    seed_reference()


@pytest.fixture(autouse=True)
def english(settings):
    """The tests read the English source strings, whatever catalogues are compiled."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
