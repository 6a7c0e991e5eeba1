from django.db import migrations

# domain.md version 2: these lie over the lung too, and carry the pneumothorax risk note.
OVER_THE_LUNG_ADDED = ("levator_scapulae", "supraspinatus", "subscapularis")
RISK_NOTE = (
    "pneumothorax: punctured lungs have been reported (iCliniq); needle tangentially or over bone"
)


def note_the_risk(apps, schema_editor):
    Muscle = apps.get_model("screening", "Muscle")
    Muscle.objects.filter(code__in=OVER_THE_LUNG_ADDED).update(risk_note=RISK_NOTE)


def forget_the_risk(apps, schema_editor):
    Muscle = apps.get_model("screening", "Muscle")
    Muscle.objects.filter(code__in=OVER_THE_LUNG_ADDED).update(risk_note="")


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_guardian_and_excluded_muscles")]
    operations = [migrations.RunPython(note_the_risk, forget_the_risk)]
