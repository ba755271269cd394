"""python manage.py import_members: a payroll CSV, all or nothing, bad rows reported by line, idempotent."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from members.identifiers import membership_number_from_sequence as number
from members.models import AffiliationPeriod, Beneficiary, Member
from tests.factories import MutualFactory, SisterMutualFactory

pytestmark = pytest.mark.django_db

HEADER = ("membership_number;cin;last_name;first_name;last_name_ar;first_name_ar;birth_date;sex;employer;grade;"
          "phone;email;address;iban;mutual;affiliation_start;affiliation_status;complementary")
GOOD = [
    f"{number(900001)};AB123456;Alaoui;Mohamed;العلوي;محمد;1975-04-12;M;Ministère de la Santé;Infirmier;"
    "+212612345678;m.alaoui@example.ma;3 Rue Fès, Taounate;MA64011519000001205000534921;;2010-01-01;active;yes",
    f"{number(900002)};CD98765;Bennani;Fatima;بناني;فاطمة;03/11/1982;F;Province de Taounate;Adjoint;"
    ";;;011780000000000000000100;sister;2015-09-01;active;no",
]


def write(tmp_path, rows, name="payroll.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def mutuals():
    MutualFactory()
    SisterMutualFactory()


def test_a_good_file_creates_members_with_themselves_as_beneficiary_and_an_affiliation(tmp_path, capsys):
    call_command("import_members", str(write(tmp_path, GOOD)))
    assert "2 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    fatima = Member.objects.get(cin="CD98765")
    assert fatima.birth_date == date(1982, 11, 3) and fatima.mutual.code == "sister"
    assert fatima.iban.startswith("MA") and fatima.iban.endswith("011780000000000000000100")
    assert Beneficiary.objects.get(member=fatima, relation="member").birth_date == date(1982, 11, 3)
    period = AffiliationPeriod.objects.get(member=fatima)
    assert period.start == date(2015, 9, 1) and not period.complementary


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(tmp_path):
    bad = [
        GOOD[0],
        GOOD[1].replace("CD98765", "123ABC"),  # line 3: bad CIN
        f"{number(900003)};EE111111;Tazi;Omar;;;1980-13-40;M;;;;;;;;2010-01-01;;",  # line 4: bad date
        f"{number(900004)};EE222222;Tazi;Sara;;;1980-01-01;F;;;;;;MA64011519000001205000534922;;2010-01-01;;",
        f"{number(900005)};AB123456;Idrissi;Ali;;;1980-01-01;M;;;;;;;;2010-01-01;;",  # line 6: duplicate CIN
        "1234567890;EE333333;Fassi;Zineb;;;1980-01-01;F;;;;;;;;2010-01-01;;",  # line 7: bad check digit
    ]
    with pytest.raises(CommandError, match="5 bad row"):
        call_command("import_members", str(write(tmp_path, bad)))
    assert not Member.objects.exists()


def test_the_error_report_names_each_line_and_its_reason(tmp_path, capsys):
    bad = [GOOD[0], GOOD[1].replace("CD98765", "123ABC"),
           f"{number(900004)};EE222222;Tazi;Sara;;;1980-01-01;F;;;;;;FR7630006000011234567890189;;2010-01-01;;",
           GOOD[0].replace("AB123456", "AB654321")]
    with pytest.raises(CommandError):
        call_command("import_members", str(write(tmp_path, bad)))
    report = capsys.readouterr().err.splitlines()
    assert report == [
        "line 3: bad CIN '123ABC' (one or two letters then up to six digits)",
        "line 4: bad IBAN 'FR7630006000011234567890189' (a Moroccan IBAN MA + 26 digits, or a 24-digit RIB)",
        f"line 5: duplicate membership number {number(900001)} (also on line 2)",
    ]


def test_re_importing_the_same_file_changes_nothing_and_writes_no_history(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_members", str(path))
    history = (Member.history.count(), Beneficiary.history.count(), AffiliationPeriod.history.count())
    call_command("import_members", str(path))
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert (Member.history.count(), Beneficiary.history.count(), AffiliationPeriod.history.count()) == history


def test_a_changed_row_updates_the_member_and_is_recorded_in_history(tmp_path):
    call_command("import_members", str(write(tmp_path, GOOD)))
    moved = GOOD[0].replace("3 Rue Fès, Taounate", "8 Hay Rfaif, Sefrou")
    call_command("import_members", str(write(tmp_path, [moved, GOOD[1]], name="march.csv")))
    member = Member.objects.get(cin="AB123456")
    assert member.address == "8 Hay Rfaif, Sefrou"
    assert member.history.count() == 2 and member.history.first().history_change_reason == "payroll import march.csv"


def test_a_cin_already_held_by_another_member_is_refused(tmp_path):
    call_command("import_members", str(write(tmp_path, GOOD[:1])))
    thief = f"{number(900009)};AB123456;Kettani;Karim;;;1970-01-01;M;;;;;;;;2010-01-01;;"
    with pytest.raises(CommandError):
        call_command("import_members", str(write(tmp_path, [thief])))
    assert Member.objects.count() == 1


def test_a_file_without_a_required_column_is_refused(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("membership_number,cin\n0000000018,AB1\n")
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import_members", str(path))
