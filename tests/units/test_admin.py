"""The admin of the units app: every changelist opens, and the visits' changelist stays constant in queries."""

import pytest
from django.urls import reverse

from .factories import AppointmentFactory, LabOrderFactory, SlotFactory, VisitFactory


@pytest.mark.parametrize("model", ["service", "serviceunit", "staffassignment", "slot", "appointment", "visit",
                                   "laborder"])
def test_every_changelist_opens(admin_client, taounate, model):
    VisitFactory(unit=taounate)
    AppointmentFactory(slot=SlotFactory(unit=taounate))
    LabOrderFactory(unit=taounate)
    assert admin_client.get(reverse(f"admin:units_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model,factory", [("visit", VisitFactory), ("appointment", AppointmentFactory),
                                           ("laborder", LabOrderFactory)])
def test_changelist_queries_do_not_grow_with_rows(admin_client, taounate, model, factory,
                                                  django_assert_max_num_queries):
    def make() -> None:
        if factory is AppointmentFactory:
            factory(slot=SlotFactory(unit=taounate))
        else:
            factory(unit=taounate)

    make()
    url = reverse(f"admin:units_{model}_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(30) as one:
        admin_client.get(url)
    for _ in range(29):
        make()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200
