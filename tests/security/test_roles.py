"""Roles as data: each role is a group with exactly its permissions; each role lands on its own home after login;
its menu shows only pages it can open (every entry answers 200 for it) and the pages of other roles refuse it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import MemberFactory, UserFactory
from tests.units.factories import ServiceUnitFactory
from tests.units.factories import staff as unit_staff
from units import roles
from units.models import StaffRole
from units.services_staff import staff_role_grant

pytestmark = pytest.mark.django_db


def _dotted(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("role", sorted(roles.ROLE_PERMISSIONS))
def test_each_role_group_holds_exactly_the_permissions_its_role_needs(role):
    assert _dotted(Group.objects.get(name=role)) == set(roles.ROLE_PERMISSIONS[role])


def test_the_admin_group_holds_every_permission():
    assert Group.objects.get(name="admin").permissions.count() == Permission.objects.count()


@pytest.fixture
def cast(settings):
    settings.AXES_ENABLED = False
    unit = ServiceUnitFactory(code="taounate")
    admin = UserFactory(username="chief", is_staff=True)
    staff_role_grant(user=admin, role=roles.ADMIN)
    return {
        "member": MemberFactory(user=UserFactory(), home_unit=unit).user,
        "front_desk": unit_staff(unit, StaffRole.FRONT_DESK),
        "unit_manager": unit_staff(unit, StaffRole.UNIT_MANAGER),
        "liquidator": unit_staff(unit, StaffRole.LIQUIDATOR),
        "admin": admin,
        "provident_officer": _officer(),
    }


def _officer():
    user = UserFactory(username="officer", is_staff=True)
    staff_role_grant(user=user, role=roles.PROVIDENT_OFFICER)
    return user


MAY = {
    "front_desk": ["members.change_member", "members.change_changerequest", "claims.add_claimfile",
                   "claims.add_prioragreement", "units.add_visit", "units.add_laborder"],
    "unit_manager": ["members.change_member", "units.view_unit_dashboard", "units.change_serviceunit",
                     "units.view_staffassignment"],
    "liquidator": ["claims.change_claimline", "claims.change_prioragreement", "claims.add_paymentbatch",
                   "claims.change_paymentbatch", "members.view_member", "units.view_unit_dashboard"],
    "admin": ["members.change_member", "claims.change_paymentbatch", "units.change_serviceunit"],
}
MAY_NOT = {
    "front_desk": ["claims.change_prioragreement", "claims.add_paymentbatch", "claims.change_paymentbatch",
                   "claims.change_claimline", "units.view_unit_dashboard", "units.change_serviceunit"],
    "unit_manager": ["claims.change_prioragreement", "claims.add_paymentbatch", "claims.change_claimline"],
    "liquidator": ["members.change_member", "members.change_changerequest", "claims.add_claimfile",
                   "units.add_visit", "units.change_serviceunit"],
    "member": ["members.view_member", "claims.view_claimfile", "units.view_visit"],
}


@pytest.mark.parametrize("role", ["front_desk", "unit_manager", "liquidator", "admin", "member"])
def test_each_role_may_do_its_work_and_nothing_of_the_others(cast, role):
    user = cast[role]
    assert [p for p in MAY.get(role, []) if not user.has_perm(p)] == []
    assert [p for p in MAY_NOT.get(role, []) if user.has_perm(p)] == []


# What each role may open and what it is refused, page by page (the views check the permission of the role that
# needs them, through its group): staff get the styled 403, outsiders of the claims pages 404.
DESK_DAY = ["units:desk", "units:appointments", "units:day_sheet", "units:lab_orders", "units:change_requests",
            "claims:desk_claims", "claims:desk_forwarding_slip", "units:agreements"]
LIQUIDATION = ["claims:review_list", "claims:agreement_list", "claims:payment_list"]
PAGES_MAY = {
    "front_desk": DESK_DAY,
    "unit_manager": DESK_DAY + ["units:dashboard", "units:staff"],
    "liquidator": LIQUIDATION + ["claims:desk_claims", "units:agreements", "units:dashboard"],
    "admin": DESK_DAY + LIQUIDATION + ["units:dashboard", "units:staff"],
}
PAGES_MAY_NOT = {
    "front_desk": {"units:dashboard": 403, "units:staff": 403, "claims:review_list": 403,
                   "claims:agreement_list": 403, "claims:payment_list": 403},
    "unit_manager": {"claims:review_list": 403, "claims:agreement_list": 403, "claims:payment_list": 403},
    "liquidator": {"units:desk": 403, "units:appointments": 403, "units:lab_orders": 403,
                   "units:change_requests": 403, "units:staff": 403},
    "provident_officer": {"units:desk": 403, "claims:desk_claims": 403, "claims:review_list": 403,
                          "claims:payment_list": 403, "units:dashboard": 403},
    "member": {"units:desk": 403, "units:dashboard": 403, "claims:desk_claims": 404, "claims:review_list": 404,
               "claims:payment_list": 404},
}
# Writes refused to a role, posted: the refusal comes before any form is read.
WRITES_MAY_NOT = {
    "front_desk": ["claims:payment_create"],
    "unit_manager": ["claims:payment_create"],
    "liquidator": ["units:visit_receive"],
    "provident_officer": ["claims:payment_create", "units:visit_receive"],
}


@pytest.mark.parametrize("role", ["front_desk", "unit_manager", "liquidator", "provident_officer", "admin",
                                  "member"])
def test_each_role_opens_the_pages_of_its_work_and_is_refused_the_others(cast, role):
    client = Client(headers={"accept-language": "en"})
    client.force_login(cast[role])
    opened = {name: client.get(reverse(name)).status_code for name in PAGES_MAY.get(role, [])}
    assert {name: code for name, code in opened.items() if code != 200} == {}
    refused = {name: client.get(reverse(name)).status_code for name in PAGES_MAY_NOT.get(role, {})}
    assert refused == PAGES_MAY_NOT.get(role, {})
    for name in WRITES_MAY_NOT.get(role, []):
        response = client.post(reverse(name), {"member": cast["member"].member.pk})
        assert response.status_code == 403, (name, response.status_code)
        assert "Your role does not allow this action." in response.content.decode()


def test_every_desk_review_and_batch_page_checks_the_permission_of_its_role():
    from tests.security.test_access_matrix import _walk

    pages = {name: view for name, (route, view) in _walk().items()
             if name.split(":")[0] in ("units", "claims") and route.startswith(("desk/", "review/"))}
    assert len(pages) > 40
    unchecked = sorted(name for name, view in pages.items() if not getattr(view, "role_permission", None))
    assert unchecked == []


LANDING = {"member": "dashboard", "front_desk": "units:desk", "unit_manager": "units:dashboard",
           "liquidator": "claims:review_list", "admin": "admin:index", "provident_officer": "provident:review_list"}


@pytest.mark.parametrize("role", sorted(LANDING))
def test_after_login_each_role_lands_on_its_own_home(cast, role):
    user = cast[role]
    user.set_password("Role-Password-2026")
    user.save()
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": "Role-Password-2026"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse(LANDING[role])
    assert response.status_code == 200


@pytest.mark.parametrize("role", sorted(LANDING))
def test_every_entry_of_a_roles_menu_opens_for_it(cast, role):
    client = Client()
    client.force_login(cast[role])
    home = client.get(reverse("home"))
    entries = [entry.url for entry in home.context["role_menu"]]
    assert entries, "a role with an empty menu"
    broken = {url: client.get(url).status_code for url in entries + [reverse("account"),
                                                                     reverse("password_change")]}
    assert {url: code for url, code in broken.items() if code != 200} == {}
    for entry in entries:  # the menu is in the page, link by link
        assert f'href="{entry}"'.encode() in home.content


def _groups(entries) -> list[tuple[str | None, list[str]]]:
    """The menu as the bar shows it: runs of entries under one heading (None: plain entries)."""
    runs: list[tuple[str | None, list[str]]] = []
    for entry in entries:
        heading = str(entry.group) if entry.group else None
        if runs and heading is not None and runs[-1][0] == heading:
            runs[-1][1].append(entry.url)
        else:
            runs.append((heading, [entry.url]))
    return runs


def test_menus_fold_related_pages_under_one_heading_each_heading_once(cast):
    with translation.override("en"):
        member = _groups(roles.menu_for(cast["member"]))
        manager = _groups(roles.menu_for(cast["unit_manager"]))
        liquidator = _groups(roles.menu_for(cast["liquidator"]))
    headings = [heading for heading, _urls in member if heading]
    assert headings == ["My files", "Care and allowances", "My details"]  # each once: its pages follow each other
    assert dict(member)["My details"][-1] == reverse("account")
    assert member[0] == (None, [reverse("dashboard")])
    assert dict(manager)["My unit"] == [reverse(n) for n in ("units:dashboard", "units:staff", "units:opening_hours")]
    assert dict(manager)["Requests to handle"] == [reverse(n) for n in (
        "units:change_requests", "provident:desk_list", "memberships:desk_list")]
    # a group of which the role opens one page only is a plain entry
    assert (None, [reverse("units:dashboard")]) in liquidator and (None, [reverse("account")]) in liquidator
    assert not [heading for heading, _urls in liquidator if heading]


def test_the_agents_menu_hides_what_it_cannot_open(cast):
    client = Client()
    client.force_login(cast["front_desk"])
    html = client.get(reverse("units:desk")).content.decode()
    for name in ("claims:review_list", "units:dashboard", "admin:index", "claims:payment_list"):
        assert f'href="{reverse(name)}"' not in html, name
    assert client.get(reverse("units:dashboard")).status_code == 403
    assert client.get(reverse("claims:review_list")).status_code == 403  # staff: the role is refused, styled


@pytest.mark.parametrize("lang,words", [("fr", "Cette page n"), ("ar", "هذه الصفحة"), ("en", "This page is not open")])
def test_refusals_and_missing_pages_are_styled_translated_pages_that_say_where_to_go(cast, settings, lang, words):
    settings.DEBUG = False
    client = Client(headers={"accept-language": lang})
    client.force_login(cast["front_desk"])
    refused = client.get(reverse("units:dashboard"))
    assert refused.status_code == 403
    html = refused.content.decode()
    assert words in html and 'class="navbar' in html
    assert f'href="{reverse("units:desk")}"' in html  # "go to my home page": the agent's desk
    missing = client.get("/desk/claims/999999/")
    assert missing.status_code == 404 and f'href="{reverse("units:desk")}"' in missing.content.decode()
    assert f'lang="{lang}"' in missing.content.decode()


@pytest.mark.parametrize("lang,words,direction", [("fr", "Erreur 500", "ltr"), ("ar", "خطأ 500", "rtl"),
                                                  ("en", "Error 500", "ltr")])
def test_a_view_that_raises_answers_the_styled_500_page_in_the_readers_language(cast, settings, lang, words,
                                                                               direction):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.security.urls_failing"
    client = Client(raise_request_exception=False, headers={"accept-language": lang})
    client.force_login(cast["front_desk"])
    response = client.get("/desk/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert words in html and f'lang="{lang}"' in html and f'dir="{direction}"' in html
    assert 'class="navbar' in html and "Traceback" not in html and "RuntimeError" not in html


def test_everyone_changes_his_password_and_stays_signed_in(cast):
    user = cast["front_desk"]
    user.set_password("Old-Password-2026")
    user.save()
    client = Client()
    client.force_login(user)
    wrong = client.post(reverse("password_change"), {"old_password": "nope", "new_password1": "Neu-Kennwort-2026x",
                                                     "new_password2": "Neu-Kennwort-2026x"})
    assert wrong.status_code == 400
    response = client.post(reverse("password_change"), {
        "old_password": "Old-Password-2026", "new_password1": "Neu-Kennwort-2026x",
        "new_password2": "Neu-Kennwort-2026x"})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    user.refresh_from_db()
    assert user.check_password("Neu-Kennwort-2026x")
    assert client.get(reverse("account")).status_code == 200  # still signed in
    page = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("security:overview")}"' in page and f'href="{reverse("password_change")}"' in page
