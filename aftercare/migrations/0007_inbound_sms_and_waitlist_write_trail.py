"""A patient's own messages and their waitlist entries are patient data: their writes go to the
audit trail like every other such table (the trigger function is audit's, migration
audit/0002)."""

from django.db import migrations

TABLES = {"aftercare_inboundsms": "inbound_sms", "aftercare_waitlistentry": "waitlist_entry"}


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in TABLES.items():
        schema_editor.execute(
            f"CREATE TRIGGER audit_write AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH "
            f"ROW EXECUTE FUNCTION audit_record_write('{name}', 'row')",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER audit_write ON {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ('aftercare', '0006_inbound_sms_and_waitlist'),
        ("audit", "0002_write_triggers"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
