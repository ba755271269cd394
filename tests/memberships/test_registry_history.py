"""A member's registry history as staff read it (the desk's member page and the admin's member history): the
changes of his registry rows with who, when, what and why, and the decisions on his requests, a refusal with who
refused it, when and the reason, as an approved request's changes are."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from members import services as registry
from members.models import Member
from memberships.selectors import member_history
from memberships.services import (
    DocumentInput,
    PersonInput,
    application_approve,
    application_reject,
    member_request_submit,
)
from tests.claims import liquidation_builders as lb
from tests.claims.factories import staff, unit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def sefrou(db):
    lb.mutual()
    return unit("sefrou")


def _child_request(member: Member, agent, first_name: str):
    return member_request_submit(
        channel="front_desk", by=agent, member=member, kind="add_child", received_on=date(2026, 11, 20),
        person=PersonInput(relation="child", first_name=first_name, last_name="X", birth_date=date(2026, 10, 2),
                           sex="M"),
        documents=[DocumentInput("birth_certificate", upload("b.pdf"), 1)])


def _named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_a_refused_request_is_in_the_members_history_with_who_when_and_why_as_an_approved_ones_changes(sefrou):
    member = lb.member()
    agent = _named(staff(sefrou), "Nadia", "Bennani")
    refused = application_reject(app=_child_request(member, agent, "Rayan"), by=agent, reason="Acte illisible")
    approved = application_approve(app=_child_request(member, agent, "Sara"), by=agent)

    history = member_history(member=member)

    refusal = next(e for e in history if str(e.action) == "refused")
    assert (refusal.by, refusal.at, refusal.why) == (agent, refused.decided_at, "Acte illisible")
    assert refused.tracking_code_display in refusal.subject and "Add a child" in refusal.subject
    approval = next(e for e in history if str(e.action) == "approved")
    assert (approval.by, approval.at) == (agent, approved.decided_at)
    added = next(e for e in history if e.subject.startswith("Sara X"))
    assert (str(added.action), added.by, added.why) == ("added", agent, "entered by staff")
    assert history == sorted(history, key=lambda e: e.at, reverse=True)


def test_a_change_of_a_childs_row_names_the_fields_changed(sefrou):
    member = lb.member()
    agent = staff(sefrou)
    child = registry.beneficiary_add(by=agent, member=member, relation="child", first_name="Sara", last_name="X",
                                     birth_date=date(2000, 1, 1), sex="F")
    registry.beneficiary_update(by=agent, beneficiary=child, disabled_from=date(2024, 5, 2))

    changed = member_history(member=member)[0]

    assert (str(changed.action), changed.fields, changed.by) == ("changed", ["disabled from"], agent)
    assert changed.why == "entered by staff"


def test_the_desk_member_page_and_the_admin_history_show_the_refusal(client, sefrou, superuser):
    member = lb.member()
    agent = _named(staff(sefrou), "Nadia", "Bennani")
    app = application_reject(app=_child_request(member, agent, "Rayan"), by=agent, reason="Acte illisible")

    client.force_login(agent)
    page = client.get(reverse("units:member_file", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(superuser)
    admin = client.get(reverse("admin:members_member_history", args=[member.pk]),
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for shown in (page, admin):
        assert "Acte illisible" in shown and app.tracking_code_display in shown
        assert "Nadia Bennani" in shown and "refused" in shown


def test_the_desk_member_page_costs_the_same_queries_whatever_the_length_of_the_history(client, sefrou):
    agent = staff(sefrou)
    client.force_login(agent)

    def queries_for(requests: int) -> int:
        member = lb.member()
        for n in range(requests):
            app = _child_request(member, agent, f"Child{n}")
            if n % 2:
                application_approve(app=app, by=agent)
            else:
                application_reject(app=app, by=agent, reason=f"reason {n}")
        registry.affiliation_update(by=agent, affiliation=member.affiliations.get(), complementary=False)
        url = reverse("units:member_file", args=[member.pk])
        client.get(url)  # the session and the permissions read once
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count("<tr><td>") >= requests + 1
        return len(queries)

    assert queries_for(1) == queries_for(12)


def test_staff_read_where_a_change_came_from_in_their_language_not_the_stored_reason(client, sefrou):
    member = lb.member()
    agent = staff(sefrou)
    agent.language = "ar"
    agent.save()
    registry.beneficiary_add(by=agent, member=member, relation="child", first_name="Sara", last_name="X",
                             birth_date=date(2010, 1, 1), sex="F")
    client.force_login(agent)

    page = client.get(reverse("units:member_file", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert "أدخله موظف" in page and "registry:" not in page


def test_the_fields_changed_read_as_a_list_of_the_readers_language(client, sefrou):
    member = lb.member()
    agent = staff(sefrou)
    child = registry.beneficiary_add(by=agent, member=member, relation="child", first_name="Sara", last_name="X",
                                     birth_date=date(2000, 1, 1), sex="F")
    registry.beneficiary_update(by=agent, beneficiary=child, first_name="Sarah", disabled_from=date(2024, 5, 2))
    assert len(member_history(member=member)[0].fields) == 2

    client.force_login(agent)
    arabic = client.get(reverse("units:member_file", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    french = client.get(reverse("units:member_file", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("ar"):
        fields = [str(field) for field in member_history(member=member)[0].fields]
    assert f"({'، '.join(fields)})" in arabic
    with translation.override("fr"):
        fields = [str(field) for field in member_history(member=member)[0].fields]
    assert f"({', '.join(fields)})" in french
