"""Writes of outcome measures go to the audit trail, like every other table of patient data
(the trigger function is audit's, migration audit/0002)."""

from django.db import migrations

TABLE = "outcomes_outcomemeasure"


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER audit_write AFTER INSERT OR UPDATE OR DELETE ON {TABLE} FOR EACH ROW "
        "EXECUTE FUNCTION audit_record_write('outcome_measure', 'row')",
        params=None,
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER audit_write ON {TABLE}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_outcome_measures"),
        ("audit", "0002_write_triggers"),
    ]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
