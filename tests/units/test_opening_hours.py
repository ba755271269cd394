"""A unit's opening hours as structured days and times: read from the old free text by the migration, shown in the
reader's language wherever hours show, changed by the unit's manager (his own units only) with every change in the
history."""

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from units.models import OpeningHours
from units.selectors_hours import opening_summary
from units.services_hours import unit_opening_hours_set

pytestmark = pytest.mark.django_db


def _summary(unit, language: str) -> list[tuple[str, str]]:
    unit.refresh_from_db()
    with translation.override(language):
        return [(span.days, span.hours) for span in opening_summary(unit=unit)]


def test_the_migration_reads_the_demo_text_into_days_and_times():
    import importlib

    migration = importlib.import_module("units.migrations.0006_opening_hours")
    week = [(day, time(8, 30), time(16, 30)) for day in range(5)]
    assert migration.parse_hours("Lun–Ven 08:30–16:30") == week
    assert migration.parse_hours("Lundi au vendredi 8h30 - 16h30") == week
    assert migration.parse_hours("Lun–Jeu 08:30–12:30, 14:00–16:30; Ven 08:30–12:00") == sorted(
        [(day, time(8, 30), time(12, 30)) for day in range(4)] + [(day, time(14), time(16, 30)) for day in range(4)]
        + [(4, time(8, 30), time(12))])
    assert migration.parse_hours("Ouvert tous les jours") == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_each_units_text_into_periods_and_drops_the_text():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("units", "0005_agreement_documents")], [("units", "0006_opening_hours")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("units", "ServiceUnit")
    old.objects.create(code="taounate", name_fr="Taounate", name_ar="تاونات", city="Taounate", region="Fès-Meknès",
                       opening_hours="Lun–Ven 08:30–16:30", opening_hours_ar="من الإثنين إلى الجمعة 08:30–16:30")
    old.objects.create(code="sefrou", name_fr="Sefrou", name_ar="صفرو", city="Sefrou", region="Fès-Meknès",
                       opening_hours="sur rendez-vous")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    rows = OpeningHours.objects.filter(unit__code="taounate").values_list("weekday", "opens", "closes")
    assert sorted(rows) == [(day, time(8, 30), time(16, 30)) for day in range(5)]
    assert not OpeningHours.objects.filter(unit__code="sefrou").exists()  # unreadable: left for the manager
    columns = [c.name for c in connection.introspection.get_table_description(connection.cursor(),
                                                                              "units_serviceunit")]
    assert "opening_hours" not in columns and "opening_hours_ar" not in columns


@pytest.mark.parametrize("language,expected", [
    ("fr", [("lundi – vendredi", "08:30–16:30"), ("samedi", "09:00–12:00"), ("dimanche", "Fermé")]),
    ("ar", [("من الاثنين إلى الجمعة", "من 08:30 إلى 16:30"), ("السبت", "من 09:00 إلى 12:00"),
            ("الأحد", "مغلق")]),
    ("en", [("Monday – Friday", "8:30 a.m.–4:30 p.m."), ("Saturday", "9 a.m.–noon"), ("Sunday", "Closed")]),
])
def test_the_week_reads_in_the_readers_language(taounate, language, expected):
    unit_opening_hours_set(unit=taounate, by=None, periods=[(day, time(8, 30), time(16, 30)) for day in range(5)]
                           + [(5, time(9), time(12))])
    assert _summary(taounate, language) == expected


@pytest.mark.parametrize("language,words,direction", [("ar", "من 08:30 إلى 16:30", "rtl"),
                                                      ("fr", "lundi – vendredi", "ltr")])
def test_the_units_pages_and_the_members_booking_show_the_hours(client, taounate, member, language, words,
                                                                direction):
    for url in (reverse("units:list"), reverse("units:detail", args=["taounate"])):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert words in page and f'dir="{direction}"' in page, url
    client.force_login(member.user)
    page = client.get(reverse("units:my_booking"), {"unit": "taounate"}, HTTP_ACCEPT_LANGUAGE=language)
    assert words in page.content.decode()


def test_the_desk_shows_todays_hours(client, agent_taounate, taounate, monkeypatch):
    from datetime import date

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 12, 5))  # a Saturday
    client.force_login(agent_taounate)
    page = client.get(reverse("units:desk"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Fermé" in page.split('id="hours-today"')[1].split("</p>")[0]


def test_the_api_gives_the_hours_as_days_and_times(taounate, member):
    from tests.api.conftest import client_for

    units = client_for(member.user).get("/api/v1/units/").json()
    unit = next(u for u in (units["results"] if isinstance(units, dict) else units) if u["code"] == "taounate")
    assert unit["opening_hours"][0] == {"weekday": 0, "opens": "08:30", "closes": "16:30"}
    assert len(unit["opening_hours"]) == 5


def _week_form(**days) -> dict:
    data = {"unit": "taounate"}
    for weekday, periods in days.items():
        for number, (opens, closes) in enumerate(periods, start=1):
            data[f"d{weekday[1]}_opens_{number}"], data[f"d{weekday[1]}_closes_{number}"] = opens, closes
    return data


def test_the_manager_changes_his_units_hours_and_the_history_says_who(manager_taounate, taounate):
    client = Client(headers={"accept-language": "en"})
    client.force_login(manager_taounate)
    page = client.get(reverse("units:opening_hours"))
    assert page.status_code == 200 and 'value="08:30"' in page.content.decode()
    week = {f"d{day}": [("08:30", "12:30"), ("14:00", "16:30")] for day in range(4)}
    week["d4"] = [("08:30", "12:00")]
    response = client.post(reverse("units:opening_hours"), _week_form(**week))
    assert response.status_code == 302
    assert _summary(taounate, "en")[:2] == [("Monday – Thursday", "8:30 a.m.–12:30 p.m., 2 p.m.–4:30 p.m."),
                                            ("Friday", "8:30 a.m.–noon")]
    history = OpeningHours.history.filter(unit_id=taounate.pk, history_user=manager_taounate)
    assert history.filter(history_type="+").count() == 9  # every period is new (Friday's closes earlier)
    assert history.filter(history_type="-").count() == 5
    page = client.get(reverse("units:opening_hours")).content.decode()
    history_list = page.split('id="hours-history"')[1]
    assert "removed" in history_list and "added" in history_list
    assert (manager_taounate.get_full_name() or manager_taounate.username) in history_list


def test_the_hours_page_shows_changes_made_by_no_account(manager_taounate, taounate):
    unit_opening_hours_set(unit=taounate, by=None, periods=[(0, time(9), time(12))])  # as seed_demo does
    client = Client(headers={"accept-language": "en"})
    client.force_login(manager_taounate)
    page = client.get(reverse("units:opening_hours"))
    assert page.status_code == 200 and "— : removed" not in page.content.decode()
    assert "—:" in page.content.decode().split('id="hours-history"')[1]


def test_a_period_given_by_half_or_overlapping_is_refused_and_nothing_changes(manager_taounate, taounate):
    client = Client(headers={"accept-language": "en"})
    client.force_login(manager_taounate)
    half = client.post(reverse("units:opening_hours"), {"unit": "taounate", "d0_opens_1": "08:30"})
    assert half.status_code == 400 and "Give the opening and the closing time, or neither." in half.content.decode()
    overlap = client.post(reverse("units:opening_hours"), _week_form(d0=[("08:30", "13:00"), ("12:00", "16:30")]))
    assert overlap.status_code == 400 and "On Monday, two periods overlap." in overlap.content.decode()
    backwards = client.post(reverse("units:opening_hours"), _week_form(d0=[("16:30", "08:30")]))
    assert backwards.status_code == 400 and "On Monday, a period closes before it opens." in backwards.content.decode()
    assert OpeningHours.objects.filter(unit=taounate).count() == 5


def test_a_manager_cannot_touch_another_units_hours_and_other_roles_are_refused(manager_taounate, sefrou,
                                                                                 agent_taounate, liquidator):
    client = Client()
    client.force_login(manager_taounate)
    assert client.get(reverse("units:opening_hours"), {"unit": "sefrou"}).status_code == 404
    assert client.post(reverse("units:opening_hours"), {"unit": "sefrou"}).status_code == 404
    assert OpeningHours.objects.filter(unit=sefrou).count() == 5
    for other in (agent_taounate, liquidator):
        client.force_login(other)
        assert client.get(reverse("units:opening_hours")).status_code == 403
        assert client.post(reverse("units:opening_hours"), {"unit": "taounate"}).status_code == 403
