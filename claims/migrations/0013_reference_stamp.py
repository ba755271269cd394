"""The reference data's version stamp (PostgreSQL): one row, moved by a statement-level trigger on every write to
the reference tables (admin edits, imports, raw SQL, TRUNCATE alike). The per-file task reads it in its lock
query and rebuilds its cached reference data only when it moved (claims.services.liquidation_reference).

The value comes from a sequence, so it never repeats (a rolled-back change leaves the row as it was and the
number unused); readers compare for equality. The table is not a Django model: test flushes leave it alone.
Other databases keep the fingerprint (counts and latest history ids)."""

from django.db import migrations

TABLES = ("claims_category", "claims_categoryrate", "claims_act", "claims_actversion", "claims_ruleparameters")

FORWARD = [
    "CREATE SEQUENCE claims_reference_version_seq",
    "CREATE TABLE claims_reference_stamp (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL, "
    "changed_at timestamptz NOT NULL DEFAULT now())",
    "INSERT INTO claims_reference_stamp (id, version) VALUES (1, nextval('claims_reference_version_seq'))",
    """CREATE FUNCTION claims_reference_stamp_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_reference_stamp (id, version) VALUES (1, nextval('claims_reference_version_seq'))
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, changed_at = now();
    RETURN NULL;
END $$""",
    *(f"CREATE TRIGGER reference_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
      "FOR EACH STATEMENT EXECUTE FUNCTION claims_reference_stamp_move()" for table in TABLES),
]
BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS reference_stamp ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS claims_reference_stamp_move()",
    "DROP TABLE IF EXISTS claims_reference_stamp",
    "DROP SEQUENCE IF EXISTS claims_reference_version_seq",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0012_alter_claimfile_channel"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
