"""Staff roles as data. Each role is an auth group (created by migration units/0004_roles) holding exactly the
permissions the role needs; a staff account is in one group per role it holds. Unit scope (which units an agent
acts for) stays in StaffAssignment: the group says *what* a role may do, the assignment *where*.

This module also says, per role, which page the account lands on after login and which entries its menu shows
(only pages the role can open: tests/security/test_roles.py and the browser journeys click every one)."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FRONT_DESK = "front_desk"
UNIT_MANAGER = "unit_manager"
LIQUIDATOR = "liquidator"
PROVIDENT_OFFICER = "provident_officer"
ADMIN = "admin"
MEMBER = "member"  # not a group: an account linked to a member file
PROVIDER = "provider"  # not a group: a partner provider's staff account (partners.ProviderAccount)
STAFF_ROLES = (FRONT_DESK, UNIT_MANAGER, LIQUIDATOR, PROVIDENT_OFFICER, ADMIN)

_FRONT_DESK = (
    # the registry: find, update, register a member and his beneficiaries; record and validate change requests
    "members.view_member", "members.add_member", "members.change_member",
    "members.view_beneficiary", "members.add_beneficiary", "members.change_beneficiary",
    "members.view_affiliationperiod", "members.view_studentperiod",
    "members.view_changerequest", "members.add_changerequest", "members.change_changerequest",
    "members.view_attestation", "members.add_attestation",
    # paper files at the desk, their scans and prior-agreement requests
    "claims.view_claimfile", "claims.add_claimfile", "claims.change_claimfile",
    "claims.view_claimline", "claims.add_claimline",
    "claims.view_attachment", "claims.add_attachment",
    "claims.view_prioragreement", "claims.add_prioragreement",
    # reception, appointments, denture lab
    "units.view_service", "units.view_serviceunit",
    "units.view_visit", "units.add_visit", "units.change_visit",
    "units.view_slot", "units.view_appointment", "units.add_appointment", "units.change_appointment",
    "units.view_laborder", "units.add_laborder", "units.change_laborder",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    FRONT_DESK: _FRONT_DESK,
    UNIT_MANAGER: _FRONT_DESK + (
        "units.view_unit_dashboard", "units.change_serviceunit", "units.view_staffassignment",
        # the unit's opening hours (units/0006_opening_hours): its own units only (units.scoping.hours_units_for)
        "units.view_openinghours", "units.add_openinghours", "units.change_openinghours",
        "units.delete_openinghours",
    ),
    LIQUIDATOR: (
        "members.view_member", "members.view_beneficiary", "members.view_affiliationperiod",
        "claims.view_claimfile", "claims.view_claimline", "claims.change_claimline", "claims.view_attachment",
        "claims.view_prioragreement", "claims.change_prioragreement",
        "claims.view_paymentbatch", "claims.add_paymentbatch", "claims.change_paymentbatch",
        "claims.view_transfer", "claims.view_paidfile",
        "units.view_serviceunit", "units.view_unit_dashboard",
    ),
    PROVIDENT_OFFICER: (
        "members.view_member", "members.view_beneficiary", "members.view_affiliationperiod",
        "members.view_changerequest", "units.view_serviceunit",
    ),
    # ADMIN: every permission (granted by the migration; checked by the role test)
}

ROLE_LABELS: dict[str, Promise] = {
    FRONT_DESK: _("Front-desk agent"), UNIT_MANAGER: _("Unit manager"), LIQUIDATOR: _("Liquidator"),
    PROVIDENT_OFFICER: _("Provident officer"), ADMIN: _("Administrator"), MEMBER: _("Member"),
    PROVIDER: _("Partner provider"),
}


def roles_of(user, session=None) -> set[str]:
    """The account's roles: its role groups (one query, kept on the user object), "admin" for a superuser, and
    "member" for an account that is not staff (member and superuser accounts never cost a query here).

    A partner provider's account is not staff either: telling it from a member's costs one query, unless the
    request's `session` says so already: the second-factor facts written at login (members.security) hold
    whether the account was staff then, a provider's account included, so a member's pages skip the query."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = {MEMBER}
        if user.is_superuser:  # every permission: the administrator's role, whatever groups it is in
            cached = {ADMIN}
        elif user.is_staff:
            cached = set(user.groups.filter(name__in=STAFF_ROLES).values_list("name", flat=True))
        elif _member_by_session(session):
            pass
        elif hasattr(user, "provider_account"):  # one query for accounts that are not staff
            cached = {PROVIDER}
        user._role_names = cached
    return cached


def _member_by_session(session) -> bool:
    """True when the session's login facts say the account was neither staff nor a provider's at login."""
    from members.security import SESSION_KEY

    facts = session.get(SESSION_KEY) if session is not None else None
    return facts is not None and facts.get("staff") is False


# --- where each role lands, what its menu shows ------------------------------------------------------------------

LANDING_ORDER = ((ADMIN, "admin:index"), (UNIT_MANAGER, "units:dashboard"), (LIQUIDATOR, "claims:review_list"),
                 (FRONT_DESK, "units:desk"), (PROVIDENT_OFFICER, "provident:review_list"),
                 (PROVIDER, "partners:portal"), (MEMBER, "dashboard"))

_DESK_MENU = [("units:desk", _("Desk")), ("claims:desk_claims", _("Claim files")),
              ("units:appointments", _("Appointments")), ("units:lab_orders", _("Denture lab")),
              ("units:agreements", _("Prior agreements")), ("units:change_requests", _("Changes to validate")),
              ("provident:desk_list", _("Social provident")), ("memberships:desk_list", _("Memberships"))]
MENUS: dict[str, list[tuple[str, Promise]]] = {
    # A member's pages fold into three groups (MEMBER_GROUPS) so that the menu stays one line on a laptop.
    MEMBER: [("dashboard", _("My space")), ("claims:member_claims", _("My files")),
             ("claims:member_new", _("File a claim")), ("claims:member_access_log", _("Who opened my files")),
             ("units:my_appointments", _("My appointments")), ("units:my_lab_orders", _("My dentures")),
             ("claims:member_agreements", _("My prior agreements")),
             ("provident:member_list", _("Provident allowances")),
             ("profile", _("My profile")), ("change_requests", _("Change my details")),
             ("memberships:member_requests", _("My family's cover"))],
    FRONT_DESK: _DESK_MENU,
    UNIT_MANAGER: [("units:dashboard", _("Dashboard")), ("units:staff", _("Unit staff")),
                   ("units:opening_hours", _("Opening hours"))] + _DESK_MENU,
    LIQUIDATOR: [("claims:review_list", _("Review")), ("provident:review_list", _("Provident requests to review")),
                 ("claims:agreement_list", _("Prior agreements")),
                 ("claims:payment_list", _("Payment batches")), ("claims:desk_claims", _("Claim files")),
                 ("units:dashboard", _("Dashboard"))],
    # the desk's provident list is the unit's (agents register the requests there): not an officer's page
    PROVIDENT_OFFICER: [("provident:review_list", _("Provident requests to review"))],
    PROVIDER: [("partners:portal", _("Partner portal")), ("partners:agreements", _("Prior agreements")),
               ("partners:invoices", _("Invoices")), ("partners:statement", _("Monthly statement"))],
    ADMIN: [("admin:index", _("Administration")), ("units:dashboard", _("Dashboard"))] + _DESK_MENU + [
        ("claims:review_list", _("Review")), ("claims:payment_list", _("Payment batches"))],
}


# Menu groups: a fold-out heading in the menu bar for pages that would otherwise fill several lines of it. A
# group holds the pages named here that the account's roles open; a group of one page shows as a plain entry.
MENU_GROUP_LABELS: dict[str, Promise] = {
    "files": _("My files"), "care": _("Care and allowances"), "details": _("My details"),
    "unit": _("My unit"), "requests": _("Requests to handle"),
}
MENU_GROUPS: dict[str, str] = {
    **dict.fromkeys(["claims:member_claims", "claims:member_new", "claims:member_access_log"], "files"),
    **dict.fromkeys(["units:my_appointments", "units:my_lab_orders", "claims:member_agreements",
                     "provident:member_list"], "care"),
    **dict.fromkeys(["profile", "change_requests", "memberships:member_requests", "account"], "details"),
    **dict.fromkeys(["units:dashboard", "units:staff", "units:opening_hours"], "unit"),
    **dict.fromkeys(["units:change_requests", "provident:desk_list", "memberships:desk_list"], "requests"),
}


@dataclass(frozen=True)
class MenuEntry:
    url: str
    label: Promise
    group: Promise | None = None  # entries of one group follow each other


def landing_url(user, session=None) -> str:
    roles = roles_of(user, session)
    for role, name in LANDING_ORDER:
        if role in roles:
            return reverse(name)
    return reverse("home")


def menu_for(user, session=None) -> list[MenuEntry]:
    """The menu entries of every role the account holds, each page once, in the roles' order."""
    return list(_menu(frozenset(roles_of(user, session)), get_script_prefix(), settings.ROOT_URLCONF))


@lru_cache(maxsize=64)
def _menu(roles: frozenset[str], prefix: str, urlconf: str) -> tuple[MenuEntry, ...]:
    """The menu of a set of roles, its addresses reversed once per process (the labels stay lazy: translated
    when shown). The same for every account holding those roles: nobody's data is in it."""
    names: dict[str, tuple[str, Promise]] = {}  # url -> (url name, label): each page once, in the roles' order
    for role in (ADMIN, UNIT_MANAGER, LIQUIDATOR, FRONT_DESK, PROVIDENT_OFFICER, PROVIDER, MEMBER):
        if role in roles:
            for name, label in MENUS[role]:
                names.setdefault(reverse(name), (name, label))
    names.setdefault(reverse("account"), ("account", _("My account")))  # every account's own page, last
    sizes: dict[str, int] = {}
    for name, _label in names.values():
        if name in MENU_GROUPS:
            sizes[MENU_GROUPS[name]] = sizes.get(MENU_GROUPS[name], 0) + 1
    slots: list[list[MenuEntry]] = []  # a group's pages follow each other, where its first page comes
    group_slot: dict[str, list[MenuEntry]] = {}
    for url, (name, label) in names.items():
        key = MENU_GROUPS.get(name)
        if key is None or sizes[key] < 2:
            slots.append([MenuEntry(url, label)])
            continue
        if key not in group_slot:
            group_slot[key] = []
            slots.append(group_slot[key])
        group_slot[key].append(MenuEntry(url, label, MENU_GROUP_LABELS[key]))
    return tuple(entry for slot in slots for entry in slot)
