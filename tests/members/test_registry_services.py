"""The registry's writes (members.services): staff register members, their spouse and children, student periods
and affiliation periods; every change is validated and recorded with the staff user who made it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.identifiers import moroccan_iban_from_rib, validate_membership_number
from members.models import AffiliationPeriod, Beneficiary, ChangeRequest, Member, StudentPeriod
from members.selectors import member_overview
from tests.factories import MemberFactory, MutualFactory, SpouseFactory, StaffUserFactory
from units.models import ServiceUnit, StaffAssignment, StaffRole

pytestmark = pytest.mark.django_db

IBAN = moroccan_iban_from_rib("011780000012345678901234")


def _staff(role: str, username: str):
    unit, _ = ServiceUnit.objects.get_or_create(code="taounate", defaults={
        "name_fr": "Taounate", "name_ar": "تاونات", "city": "Taounate", "region": "Fès-Meknès"})
    user = StaffUserFactory(username=username)
    StaffAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def agent():
    MutualFactory()
    return _staff(StaffRole.FRONT_DESK, "agent.taounate")


def _register(agent, **overrides) -> Member:
    values = {"cin": "ab123456", "first_name": "Amina", "last_name": "Alaoui", "birth_date": date(1980, 5, 17),
              "sex": "F", "iban": IBAN, "phone": "06 12 34 56 78"} | overrides
    return services.member_create(by=agent, **values)


def _errors(excinfo) -> dict[str, list[str]]:
    return {field: [error.code for error in errors] for field, errors in excinfo.value.error_dict.items()}


def test_a_front_desk_agent_registers_a_member_with_the_next_checked_number_and_his_own_row(agent):
    MemberFactory(membership_number="0000000505")
    member = _register(agent)
    assert member.membership_number.startswith("000000051")
    validate_membership_number(member.membership_number)
    assert (member.cin, member.phone, member.mutual.is_ours) == ("AB123456", "+212612345678", True)
    himself = member.beneficiaries.get()
    assert (himself.relation, himself.first_name, himself.cin) == ("member", "Amina", "AB123456")
    assert member.history.get().history_user == agent
    assert himself.history.get().history_user == agent


def test_two_members_registered_in_a_row_get_distinct_numbers(agent):
    first = _register(agent)
    second = _register(agent, cin="CD654321")
    assert first.membership_number != second.membership_number


def test_a_taken_cin_a_bad_cin_and_a_bad_iban_are_refused_on_their_field(agent):
    _register(agent)
    with pytest.raises(ValidationError) as taken:
        _register(agent, cin="AB123456")
    assert _errors(taken) == {"cin": ["unique"]}
    with pytest.raises(ValidationError) as bad_cin:
        _register(agent, cin="123")
    assert _errors(bad_cin) == {"cin": ["cin"]}
    with pytest.raises(ValidationError) as bad_iban:
        _register(agent, cin="CD1", iban="MA64011780000012345678901235")
    assert _errors(bad_iban) == {"iban": ["iban"]}
    assert Member.objects.count() == 1


def test_a_liquidator_and_a_member_may_not_write_the_registry(agent):
    liquidator = _staff(StaffRole.LIQUIDATOR, "liquidator")
    member = MemberFactory()
    for user in (liquidator, member.user or StaffUserFactory(is_staff=False)):
        with pytest.raises(PermissionDenied):
            _register(user, cin="XY1")
        with pytest.raises(PermissionDenied):
            services.member_update(by=user, member=member, phone="0612345678")


def test_a_unit_manager_and_an_administrator_may_write_the_registry(agent):
    manager = _staff(StaffRole.UNIT_MANAGER, "manager.taounate")
    admin = _staff(StaffRole.ADMIN, "admin.network")
    assert _register(manager, cin="M1").pk and _register(admin, cin="M2").pk


def test_a_staff_bank_account_change_replaces_the_members_pending_request_and_waits_itself(agent):
    member = MemberFactory()
    before = member.iban
    earlier = services.change_request_create(member=member, field="iban",
                                             new_value=moroccan_iban_from_rib("011780000099999999999999"), by=None)
    services.member_update(by=agent, member=member, iban=IBAN.lower())
    member.refresh_from_db()
    assert member.iban == before
    earlier.refresh_from_db()
    assert earlier.status == "rejected"
    pending = ChangeRequest.objects.get(member=member, status="pending")
    assert (pending.new_value, pending.old_value, pending.requested_by) == (IBAN, before, agent)


def test_a_bad_iban_on_update_changes_nothing(agent):
    member = MemberFactory()
    with pytest.raises(ValidationError) as bad:
        services.member_update(by=agent, member=member, iban="FR7630006000011234567890189")
    assert _errors(bad) == {"iban": ["iban_country"]}
    assert member.history.count() == 1 and ChangeRequest.objects.count() == 0


def test_the_members_own_row_follows_his_name_and_birth_date(agent):
    member = _register(agent)
    services.member_update(by=agent, member=member, last_name="Bennani", birth_date=date(1981, 1, 2))
    himself = member.beneficiaries.get(relation="member")
    assert (himself.last_name, himself.birth_date) == ("Bennani", date(1981, 1, 2))
    assert himself.history.first().history_user == agent


def test_a_spouse_with_a_marriage_end_and_a_disabled_student_child_get_their_eligibility(agent):
    member = _register(agent)
    services.affiliation_add(by=agent, member=member, start=date(2010, 1, 1))
    spouse = services.beneficiary_add(by=agent, member=member, relation="spouse", first_name="Karim",
                                      last_name="Alaoui", birth_date=date(1978, 2, 2), sex="M",
                                      marriage_start=date(2005, 7, 1))
    services.beneficiary_update(by=agent, beneficiary=spouse, marriage_end=date(2024, 6, 30))
    services.beneficiary_add(by=agent, member=member, relation="child", first_name="Yasmine",
                                     last_name="Alaoui", birth_date=date(2000, 9, 1), sex="F",
                             disabled_from=date(2019, 5, 1))
    student = services.beneficiary_add(by=agent, member=member, relation="child", first_name="Sara",
                                       last_name="Alaoui", birth_date=date(2003, 1, 1), sex="F")
    services.student_period_add(by=agent, beneficiary=student, start=date(2024, 9, 1), end=date(2025, 7, 31))
    overview = member_overview(member=member, on=date(2025, 3, 1))
    eligible = {row.beneficiary.first_name: (row.eligible, row.reason_code) for row in overview.beneficiaries}
    assert eligible == {"Amina": (True, "MEMBER"), "Karim": (False, "SPOUSE_MARRIAGE_ENDED"),
                        "Yasmine": (True, "CHILD_DISABLED"), "Sara": (True, "CHILD_STUDENT")}
    assert spouse.history.first().history_user == agent
    assert StudentPeriod.objects.get().history.get().history_user == agent


def test_a_child_born_before_the_member_was_12_is_refused(agent):
    member = _register(agent)  # born 1980-05-17
    with pytest.raises(ValidationError) as refused:
        services.beneficiary_add(by=agent, member=member, relation="child", first_name="Omar",
                                 last_name="Alaoui", birth_date=date(1991, 12, 31), sex="M")
    assert _errors(refused) == {"birth_date": ["child_birth_date"]}
    assert services.beneficiary_add(by=agent, member=member, relation="child", first_name="Omar",
                                    last_name="Alaoui", birth_date=date(1992, 5, 17), sex="M").pk


def test_marriage_dates_belong_to_a_spouse_and_end_after_they_start(agent):
    member = _register(agent)
    with pytest.raises(ValidationError) as on_child:
        services.beneficiary_add(by=agent, member=member, relation="child", first_name="Omar", last_name="A",
                                 birth_date=date(2010, 1, 1), sex="M", marriage_end=date(2020, 1, 1))
    assert _errors(on_child) == {"marriage_end": ["not_a_spouse"]}
    spouse = SpouseFactory(member=member)
    with pytest.raises(ValidationError) as backwards:
        services.beneficiary_update(by=agent, beneficiary=spouse, marriage_end=date(2000, 1, 1))
    assert _errors(backwards) == {"marriage_end": ["end_before_start"]}


def test_the_members_own_row_is_not_changed_as_a_beneficiary(agent):
    member = _register(agent)
    with pytest.raises(ValidationError) as refused:
        services.beneficiary_update(by=agent, beneficiary=member.beneficiaries.get(), first_name="X")
    assert refused.value.code == "self_beneficiary"


def test_student_periods_are_a_childs_do_not_overlap_and_can_be_removed(agent):
    member = _register(agent)
    child = services.beneficiary_add(by=agent, member=member, relation="child", first_name="Sara",
                                     last_name="Alaoui", birth_date=date(2003, 1, 1), sex="F")
    period = services.student_period_add(by=agent, beneficiary=child, start=date(2024, 9, 1), end=date(2025, 7, 31))
    with pytest.raises(ValidationError) as overlap:
        services.student_period_add(by=agent, beneficiary=child, start=date(2025, 7, 31), end=date(2026, 7, 31))
    assert _errors(overlap) == {"start": ["overlap"]}
    with pytest.raises(ValidationError) as backwards:
        services.student_period_add(by=agent, beneficiary=child, start=date(2026, 9, 1), end=date(2026, 7, 31))
    assert _errors(backwards) == {"end": ["end_before_start"]}
    with pytest.raises(ValidationError):
        services.student_period_add(by=agent, beneficiary=member.beneficiaries.get(relation="member"),
                                    start=date(2024, 9, 1), end=date(2025, 7, 31))
    services.student_period_remove(by=agent, student_period=period)
    assert not StudentPeriod.objects.exists()
    assert StudentPeriod.history.filter(history_type="-").get().history_user == agent


def test_affiliation_periods_never_overlap_and_end_on_or_after_they_start(agent):
    member = _register(agent)
    first = services.affiliation_add(by=agent, member=member, start=date(2010, 1, 1), end=date(2015, 12, 31))
    current = services.affiliation_add(by=agent, member=member, start=date(2016, 1, 1), complementary=False)
    with pytest.raises(ValidationError) as open_overlap:
        services.affiliation_add(by=agent, member=member, start=date(2030, 1, 1))
    assert _errors(open_overlap) == {"start": ["overlap"]}
    with pytest.raises(ValidationError) as widened:
        services.affiliation_update(by=agent, affiliation=first, end=date(2016, 1, 1))
    assert _errors(widened) == {"start": ["overlap"]}
    with pytest.raises(ValidationError) as backwards:
        services.affiliation_update(by=agent, affiliation=current, end=date(2015, 1, 1))
    assert _errors(backwards) == {"end": ["end_before_start"]}
    closed = services.affiliation_update(by=agent, affiliation=current, end=date(2024, 12, 31), status="retired",
                                         complementary=True)
    assert (closed.end, closed.status, closed.complementary) == (date(2024, 12, 31), "retired", True)
    assert closed.history.first().history_user == agent
    assert AffiliationPeriod.objects.count() == 2
    assert services.affiliation_add(by=agent, member=member, start=date(2025, 1, 1)).pk


def test_an_update_with_nothing_new_writes_no_history_row(agent):
    member = _register(agent)
    services.member_update(by=agent, member=member, first_name="Amina", cin="ab123456")
    assert member.history.count() == 1
    assert Beneficiary.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_desks_registering_at_the_same_moment_get_distinct_numbers(agent):
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    numbers: list[str] = []

    def register(cin: str) -> None:
        try:
            barrier.wait()
            numbers.append(_register(agent, cin=cin).membership_number)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(cin,)) for cin in ("AB1", "AB2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(numbers)) == 2 and Member.objects.count() == 2


def test_a_cin_saved_by_another_desk_after_the_checks_is_refused_cleanly_not_with_a_crash(agent, monkeypatch):
    first = _register(agent)
    # The other desk's member is committed between this desk's uniqueness check and its insert.
    monkeypatch.setattr(Member, "full_clean", lambda self, *args, **kwargs: None)
    with pytest.raises(ValidationError) as excinfo:
        _register(agent, cin=first.cin)
    assert excinfo.value.code == "unique"
    assert Member.objects.filter(cin=first.cin).count() == 1


@pytest.mark.parametrize(("relation", "disabled_from", "code"), [
    ("child", date(2009, 12, 31), "disabled_from"),  # before the birth
    ("child", date(2099, 1, 1), "disabled_from"),  # in the future
    ("spouse", date(2020, 1, 1), "not_a_child"),
])
def test_a_disability_starts_on_a_possible_day_and_only_a_child_has_one(agent, relation, disabled_from, code):
    member = _register(agent)
    with pytest.raises(ValidationError) as error:
        services.beneficiary_add(by=agent, member=member, relation=relation, first_name="Sara", last_name="Alaoui",
                                 birth_date=date(2010, 1, 1), sex="F", disabled_from=disabled_from)
    assert [e.code for e in error.value.error_dict["disabled_from"]] == [code]
    assert not Beneficiary.objects.filter(first_name="Sara").exists()


def test_the_data_migration_takes_the_day_the_flag_was_set_when_the_history_tells():
    """members 0005: the flag switched on after a row without it dates the disability; a flag there from the
    first row tells nothing (the birth date is used)."""
    from datetime import datetime
    from importlib import import_module
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    flag_set_on = import_module("members.migrations.0005_beneficiary_disabled_from")._flag_set_on
    casablanca = ZoneInfo("Africa/Casablanca")

    def row(disabled: bool, day: int, hour: int = 12):
        return SimpleNamespace(disabled=disabled, history_date=datetime(2025, 3, day, hour, tzinfo=casablanca))

    assert flag_set_on([row(False, 1), row(True, 10), row(True, 12)]) == date(2025, 3, 10)
    assert flag_set_on([row(True, 1), row(True, 10)]) is None
    assert flag_set_on([row(False, 1), row(True, 5), row(False, 7), row(True, 9, hour=0)]) == date(2025, 3, 9)
    assert flag_set_on([]) is None
