import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    staff = apps.get_model("clinic", "Staff").objects
    apps.get_model("clinic", "WorkingHours").objects.update(
        clinic_id=Subquery(staff.filter(pk=OuterRef("staff_id")).values("clinic_id"))
    )


def field(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="clinic.clinic",
    )


class Migration(migrations.Migration):
    """Working hours name their clinic, like every table of a clinic's data."""

    dependencies = [("clinic", "0005_patient_hold_and_archive")]

    operations = [
        migrations.AddField("workinghours", "clinic", field(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField("workinghours", "clinic", field(null=False)),
    ]
