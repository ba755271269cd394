# Reads of provident scans move to the health-data access log (claims.HealthDataAccess): the rows already
# written to provident's own DocumentAccess are copied there (same reader, time and address), then it goes.

from django.db import migrations


def copy_reads(apps, schema_editor):
    old = apps.get_model("provident", "DocumentAccess")
    new = apps.get_model("claims", "HealthDataAccess")
    new._meta.get_field("at").auto_now_add = False  # this historical model only: the copies keep their time
    new.objects.bulk_create([
        new(user_id=row.user_id, at=row.at, provident_document_id=row.document_id, action="provident_scan",
            view_name="provident:document", ip=row.ip) for row in old.objects.order_by("at", "pk")])


class Migration(migrations.Migration):

    dependencies = [
        ('provident', '0001_initial'),
        ('claims', '0014_access_log_provident_scan'),
    ]

    operations = [
        migrations.RunPython(copy_reads, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='DocumentAccess',
        ),
    ]
