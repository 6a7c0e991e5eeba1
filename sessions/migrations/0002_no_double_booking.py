"""No overlapping live appointments per therapist, room and patient, enforced by PostgreSQL.

Exclusion constraints over half-open [starts_at, ends_at) ranges of live (booked or completed)
appointments. SQLite cannot express them; there the booking service checks within one
IMMEDIATE transaction (see config/settings.py).
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

NO_OVERLAP = {
    "appointment_therapist_no_overlap": "therapist_id",
    "appointment_room_no_overlap": "room_id",
    "appointment_patient_no_overlap": "patient_id",
}


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in NO_OVERLAP.items():
        schema_editor.execute(
            f"ALTER TABLE needling_appointment ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status IN ('booked', 'completed'))"
        )


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NO_OVERLAP:
        schema_editor.execute(f"ALTER TABLE needling_appointment DROP CONSTRAINT {name}")


class Migration(migrations.Migration):
    dependencies = [("needling", "0001_scheduling")]
    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraints, drop_constraints),
    ]
