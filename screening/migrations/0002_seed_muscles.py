from django.db import migrations

from screening.vocabulary import MUSCLES


def seed_muscles(apps, schema_editor):
    Muscle = apps.get_model("screening", "Muscle")
    for entry in MUSCLES:
        Muscle.objects.update_or_create(
            code=entry.code,
            defaults={"name": entry.name, "region": entry.region, "lateral": entry.lateral,
                      "risk_note": entry.risk_note},
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(seed_muscles, migrations.RunPython.noop)]
