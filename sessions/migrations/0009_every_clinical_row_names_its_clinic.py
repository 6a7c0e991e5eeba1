import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from core.backfill import with_triggers_off

PARTS = ["needlesite", "electricalstimulation", "addendum"]


def fill(apps):
    sessions = apps.get_model("needling", "NeedlingSession").objects
    clinic_of_session = Subquery(sessions.filter(pk=OuterRef("session_id")).values("clinic_id"))
    for part in PARTS:
        apps.get_model("needling", part).objects.update(clinic_id=clinic_of_session)


def field(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="clinic.clinic",
    )


class Migration(migrations.Migration):
    """Sites, stimulation and addenda name their clinic, like every clinical table."""

    dependencies = [
        ("clinic", "0005_patient_hold_and_archive"),
        ("needling", "0008_chest_pain_and_breathlessness_are_serious"),
    ]

    operations = [
        *(migrations.AddField(part, "clinic", field(null=True)) for part in PARTS),
        migrations.RunPython(
            with_triggers_off([f"needling_{part}" for part in PARTS], fill),
            migrations.RunPython.noop,
        ),
        *(migrations.AlterField(part, "clinic", field(null=False)) for part in PARTS),
    ]
