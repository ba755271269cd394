"""Staff roles as data: one auth group per role with exactly the permissions it needs (see units/roles.py,
whose ROLE_PERMISSIONS tests/security/test_roles.py compares with the groups). The lists are copied here, as a
migration must not follow later code; a change of a role's permissions is a new migration."""

from django.db import migrations

FRONT_DESK = (
    "members.view_member", "members.add_member", "members.change_member",
    "members.view_beneficiary", "members.add_beneficiary", "members.change_beneficiary",
    "members.view_affiliationperiod", "members.view_studentperiod",
    "members.view_changerequest", "members.add_changerequest", "members.change_changerequest",
    "members.view_attestation", "members.add_attestation",
    "claims.view_claimfile", "claims.add_claimfile", "claims.change_claimfile",
    "claims.view_claimline", "claims.add_claimline",
    "claims.view_attachment", "claims.add_attachment",
    "claims.view_prioragreement", "claims.add_prioragreement",
    "units.view_service", "units.view_serviceunit",
    "units.view_visit", "units.add_visit", "units.change_visit",
    "units.view_slot", "units.view_appointment", "units.add_appointment", "units.change_appointment",
    "units.view_laborder", "units.add_laborder", "units.change_laborder",
)
ROLES = {
    "front_desk": FRONT_DESK,
    "unit_manager": FRONT_DESK + ("units.view_unit_dashboard", "units.change_serviceunit",
                                  "units.view_staffassignment"),
    "liquidator": (
        "members.view_member", "members.view_beneficiary", "members.view_affiliationperiod",
        "claims.view_claimfile", "claims.view_claimline", "claims.change_claimline", "claims.view_attachment",
        "claims.view_prioragreement", "claims.change_prioragreement",
        "claims.view_paymentbatch", "claims.add_paymentbatch", "claims.change_paymentbatch",
        "claims.view_transfer", "claims.view_paidfile",
        "units.view_serviceunit", "units.view_unit_dashboard",
    ),
    "provident_officer": (
        "members.view_member", "members.view_beneficiary", "members.view_affiliationperiod",
        "members.view_changerequest", "units.view_serviceunit",
    ),
}


def create_role_groups(apps, schema_editor) -> None:
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(dotted: str):
        app_label, codename = dotted.split(".")
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permission(dotted) for dotted in permissions])
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.all())


def remove_role_groups(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, "admin"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0003_attestation_changerequest_historicalchangerequest"),
        ("claims", "0004_health_data_access"),
        ("units", "0003_unit_opening_hours_ar"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="serviceunit",
            options={"ordering": ["opened_on", "code"],
                     "permissions": [("view_unit_dashboard", "Can read the unit dashboard")],
                     "verbose_name": "service unit", "verbose_name_plural": "service units"},
        ),
        migrations.RunPython(create_role_groups, remove_role_groups),
    ]
