"""Who may act for which unit. Front-desk agents and unit managers act for their own units only; liquidators,
administrators and superusers across every unit. Every desk queryset starts from `units_for(user)`, so an object
of another unit is simply not found (404), never shown."""

from django.db.models import QuerySet

from .models import ServiceUnit, StaffAssignment, StaffRole

NETWORK_ROLES = (StaffRole.LIQUIDATOR, StaffRole.ADMIN)
UNIT_ROLES = (StaffRole.FRONT_DESK, StaffRole.UNIT_MANAGER)
MANAGER_ROLES = (StaffRole.UNIT_MANAGER, StaffRole.LIQUIDATOR, StaffRole.ADMIN)


def _roles(user) -> set[str]:
    """Roles of the unit assignments, and the network-wide roles held as a group (an administrator or a
    liquidator needs no unit assignment)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_unit_roles", None)
    if cached is None:
        from django.contrib.auth.models import Group

        assigned = StaffAssignment.objects.filter(user=user).values_list("role", flat=True)
        held = Group.objects.filter(user=user, name__in=NETWORK_ROLES).values_list("name", flat=True)
        cached = set(assigned.union(held))  # one query
        user._unit_roles = cached
    return cached


def is_network_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_roles(user) & set(NETWORK_ROLES)))


def is_desk_staff(user) -> bool:
    return is_network_staff(user) or bool(_roles(user))


def is_manager(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_roles(user) & set(MANAGER_ROLES)))


def units_for(user) -> QuerySet[ServiceUnit]:
    """The units `user` may see and act for at the desk (none for a member or an anonymous visitor)."""
    if not user.is_authenticated:
        return ServiceUnit.objects.none()
    if is_network_staff(user):
        return ServiceUnit.objects.all()
    return ServiceUnit.objects.filter(assignments__user=user, assignments__role__in=UNIT_ROLES).distinct()


def managed_units_for(user) -> QuerySet[ServiceUnit]:
    """The units whose dashboard `user` may read: unit managers their own, network staff every unit."""
    if not user.is_authenticated:
        return ServiceUnit.objects.none()
    if is_network_staff(user):
        return ServiceUnit.objects.all()
    return ServiceUnit.objects.filter(assignments__user=user, assignments__role=StaffRole.UNIT_MANAGER).distinct()


def hours_units_for(user) -> QuerySet[ServiceUnit]:
    """The units whose opening hours `user` may change: a unit manager his own units only, an administrator every
    unit (the permission itself is the role's: units.change_openinghours)."""
    if not user.is_authenticated:
        return ServiceUnit.objects.none()
    if user.is_superuser or StaffRole.ADMIN in _roles(user):
        return ServiceUnit.objects.all()
    return ServiceUnit.objects.filter(assignments__user=user, assignments__role=StaffRole.UNIT_MANAGER).distinct()
