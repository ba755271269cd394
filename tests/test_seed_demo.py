from django.core.management import call_command

from claims.models import Act, ActVersion, CategoryRate
from members.models import AffiliationPeriod, Beneficiary, Member, Mutual, StudentPeriod, User
from units.models import ServiceUnit, StaffAssignment

MODELS = [ServiceUnit, StaffAssignment, Mutual, Member, AffiliationPeriod, Beneficiary, StudentPeriod, User, Act,
          ActVersion, CategoryRate]


def _snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: sorted(model.objects.values_list()) for model in MODELS}


def test_seed_demo_run_twice_gives_the_same_data(db):
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first


def test_seed_demo_creates_the_three_units_with_their_real_facts(demo_data):
    taounate = ServiceUnit.objects.get(code="taounate")
    assert (taounate.opened_on.isoformat(), taounate.plot_area_m2, taounate.built_area_m2, taounate.staff_count) == (
        "2025-04-15", 219, 113, 14)
    sefrou = ServiceUnit.objects.get(code="sefrou")
    assert (sefrou.opened_on.isoformat(), sefrou.built_area_m2, sefrou.staff_count) == ("2025-04-16", 102, 6)
    assert ServiceUnit.objects.get(code="essaouira").built_area_m2 == 160


def test_seed_demo_loads_both_tariff_versions(demo_data):
    tnr = dict(ActVersion.objects.filter(act__code="C").values_list("effective_from__year", "tnr"))
    assert {year: str(value) for year, value in tnr.items()} == {2023: "80.00", 2026: "120.00"}


def test_seed_demo_covers_every_eligibility_situation(demo_data):
    children = Beneficiary.objects.filter(relation="child")
    assert children.filter(disabled_from__isnull=False).exists()
    assert children.filter(student_periods__isnull=False).exists()
    assert Beneficiary.objects.filter(relation="spouse", marriage_end__isnull=False).exists()
    assert Member.objects.filter(mutual__is_ours=False).exists()
    assert User.objects.filter(is_superuser=True, username="admin").exists()
    assert StaffAssignment.objects.filter(role="liquidator").exists()


def test_seed_demo_with_claims_registers_the_demo_files_once(db):
    from claims.models import ClaimFile

    call_command("seed_demo", "--with-claims", verbosity=0)
    first = sorted(ClaimFile.objects.values_list("tracking_code", "member__membership_number", "channel"))
    call_command("seed_demo", "--with-claims", verbosity=0)
    assert sorted(ClaimFile.objects.values_list("tracking_code", "member__membership_number", "channel")) == first
    assert len(first) == 9 and {channel for _, _, channel in first} == {"front_desk"}


def test_seed_demo_has_a_retiree_and_a_provident_request_in_each_state(demo_data):
    from provident.models import BenefitVersion, ProvidentRequest, RequestStatus

    assert set(ProvidentRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    retiree = ProvidentRequest.objects.get(benefit="RETIREMENT").member
    assert retiree.affiliations.filter(status="retired", end__isnull=False).exists()
    assert BenefitVersion.objects.get(code="MEMBER_DEATH").amount == 15000
    heirs = ProvidentRequest.objects.get(benefit="MEMBER_DEATH", status="in_review").heirs.order_by("position")
    assert [str(h.payable_share.amount) for h in heirs] == ["1875.00", "4375.00", "4375.00", "4375.00"]


def test_seed_demo_has_a_membership_application_in_each_state(demo_data):
    from memberships.models import ApplicationStatus, MembershipApplication

    assert set(MembershipApplication.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert MembershipApplication.objects.get(kind="new_member", status="approved").member.affiliations.exists()
    requests = MembershipApplication.objects.exclude(kind="new_member").filter(member__user__isnull=False)
    assert set(requests.values_list("kind", "status")) == {("add_child", "approved"), ("study_period", "incomplete")}


def test_seed_demo_gives_the_first_member_with_an_account_an_agreement_in_each_state(demo_data):
    from claims.models import AgreementStatus, PriorAgreement

    agreements = PriorAgreement.objects.filter(beneficiary__member__membership_number="0000000018")
    assert set(agreements.values_list("status", flat=True)) == set(AgreementStatus.values)
    granted = agreements.get(status=AgreementStatus.GRANTED)
    assert granted.documents.exists() and granted.decided_by.username == "liquidator"
    assert agreements.get(status=AgreementStatus.REFUSED).notes
    assert agreements.get(status=AgreementStatus.REQUESTED).provider_request.provider.code == "chu-ibn-sina"
