"""Writes about the units' staff: roles (auth groups) and unit assignments."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import roles
from .models import ServiceUnit, StaffAssignment

# A unit assignment's role and the role group it implies.
ASSIGNMENT_GROUPS = {"front_desk": roles.FRONT_DESK, "unit_manager": roles.UNIT_MANAGER,
                     "liquidator": roles.LIQUIDATOR, "admin": roles.ADMIN}


def staff_role_grant(*, user, role: str) -> None:
    """Puts the account in the role's group (created by migration units/0004_roles)."""
    if role not in roles.STAFF_ROLES:
        raise ValueError(f"unknown role {role!r}")
    user.groups.add(Group.objects.get(name=role))  # missing only if never migrated: role_groups_sync
    user.__dict__.pop("_role_names", None)
    user.__dict__.pop("_perm_cache", None)
    user.__dict__.pop("_group_perm_cache", None)


@transaction.atomic
def staff_assign(*, user, unit: ServiceUnit, role: str) -> StaffAssignment:
    """The account acts for `unit` in `role`: the assignment (where) and the role group (what), together."""
    assignment, _ = StaffAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    staff_role_grant(user=user, role=ASSIGNMENT_GROUPS[role])
    return assignment


def _permissions(dotted: list[str] | tuple[str, ...]) -> list[Permission]:
    wanted = {tuple(name.split(".")) for name in dotted}
    found = [p for p in Permission.objects.select_related("content_type")
             if (p.content_type.app_label, p.codename) in wanted]
    return found


def role_groups_sync(*, app_config=None, **_kwargs) -> None:
    """After every migrate (and every test-database flush, which empties auth_group): a missing role group is
    created with its permissions (units/roles.py, as migration units/0004_roles did), and the admin role gets
    every permission, including those of models added since. Runs once, after the last app's permissions."""
    from django.apps import apps

    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return
    for name, dotted in roles.ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(_permissions(dotted))
    admin, _created = Group.objects.get_or_create(name=roles.ADMIN)
    missing = Permission.objects.exclude(group=admin)
    if missing.exists():
        admin.permissions.add(*missing)
