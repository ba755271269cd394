"""The load test's database: seed_demo, members with web accounts and claim files, front-desk agents, and
logged-in sessions made directly in the session store (the password hasher is not what is measured)."""

import random
from datetime import date, timedelta
from decimal import Decimal

BENCH_PREFIX = "bench-load"


def database_fresh(pg: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def database_drop(pg: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def generate(*, members: int, agents: int, files_per_member: int) -> None:
    """Members with web accounts, each with a self beneficiary, cover and claim files; agents on the demo units."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from claims.models import ClaimFile
    from members.identifiers import membership_number_from_sequence
    from members.models import AffiliationPeriod, Beneficiary, Member, Mutual
    from units.models import ServiceUnit, StaffAssignment, StaffRole

    user_model = get_user_model()
    rng = random.Random(2026)
    ours = Mutual.objects.get(is_ours=True)
    units = list(ServiceUnit.objects.order_by("code"))
    for n in range(agents):
        user = user_model.objects.create(username=f"{BENCH_PREFIX}-agent-{n}", password="!", is_staff=True)
        StaffAssignment.objects.create(user=user, unit=units[n % len(units)], role=StaffRole.FRONT_DESK)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    statuses = ["received", "liquidated", "paid", "rejected", "incomplete", "in_review"]
    files = []
    for n in range(members):
        user = user_model.objects.create(username=f"{BENCH_PREFIX}-member-{n}", password="!")
        member = Member.objects.create(
            user=user, mutual=ours, membership_number=membership_number_from_sequence(7_000_000 + n),
            cin=f"LD{n:06d}", first_name="Bench", last_name=f"Member{n}", birth_date=date(1970 + n % 30, 1, 1 + n % 28),
            sex="MF"[n % 2], home_unit=units[n % len(units)])
        AffiliationPeriod.objects.create(member=member, start=date(2015, 1, 1))
        beneficiary = Beneficiary.objects.create(member=member, relation="member", first_name="Bench",
                                                 last_name=f"Member{n}", birth_date=member.birth_date, sex=member.sex)
        for k in range(files_per_member):
            billed = Decimal(rng.randrange(5_000, 200_000)) / 100
            files.append(ClaimFile(
                tracking_code=f"LT{n:04d}{k:05d}", member=member, beneficiary=beneficiary,
                status=statuses[k % len(statuses)], channel="front_desk" if k % 2 else "online",
                unit=units[n % len(units)], received_on=date(2025, 1, 1) + timedelta(days=k * 7 % 400),
                total_billed=billed, total_reimbursed=(billed * Decimal("0.8")).quantize(Decimal("0.01"))))
    ClaimFile.objects.bulk_create(files, batch_size=2000)


def sessions() -> dict[str, list[dict]]:
    """Logged-in (and, for agents, TOTP-verified) sessions: {"member": [...], "agent": [...]}."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from claims.models import ClaimFile
    from members.models import Member

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "django.contrib.auth.backends.ModelBackend"

    def session(user, **extra) -> str:
        s = store()
        s.update({"_auth_user_id": str(user.pk), "_auth_user_backend": backend,
                  "_auth_user_hash": user.get_session_auth_hash(), **extra})
        s.create()
        return s.session_key

    users = get_user_model().objects.filter(username__startswith=BENCH_PREFIX)
    result: dict[str, list[dict]] = {"member": [], "agent": []}
    for n, member in enumerate(Member.objects.filter(user__in=users).select_related("user").order_by("pk")):
        claims = list(ClaimFile.objects.filter(member=member).values_list("pk", flat=True)[:10])
        result["member"].append({"session": session(member.user, second_factor={"staff": False, "device": False}),
                                 "claim_ids": claims, "language": "ar" if n % 2 else "fr",
                                 "member_number": member.membership_number})
    numbers = [m["member_number"] for m in result["member"]]
    for user in users.filter(is_staff=True).order_by("pk"):
        device = TOTPDevice.objects.get(user=user)
        result["agent"].append({"session": session(user, otp_device_id=device.persistent_id,
                                                   second_factor={"staff": True, "device": True}),
                                "member_numbers": numbers[:20], "language": "fr"})
    return result
