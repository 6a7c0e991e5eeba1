"""A serious side effect puts the patient on clinical hold until a clinic administrator releases
it with a note (domain.md, version 2). A serious report recorded before holds existed put
nobody on hold: each patient with one and no hold ever is placed on hold now, naming the
report, for an administrator to look at and release. Their heat, reminder, re-rating and
rebooking messages still to go are stopped when they fall due, as any held patient's are (the
outbox asks at sending). The audit trail records each change, by `system`; the patients held
are listed, by id, for whoever migrates."""

from django.db import migrations


def hold(apps, schema_editor):
    SideEffect = apps.get_model("needling", "SideEffect")
    Patient = apps.get_model("clinic", "Patient")
    ClinicalHold = apps.get_model("clinic", "ClinicalHold")
    never_held = SideEffect.objects.filter(serious=True, patient__holds__isnull=True)
    held = set()
    for report in never_held.order_by("created_at"):
        if report.patient_id in held:
            continue  # the first report names the hold, as place_on_hold keeps the first reason
        held.add(report.patient_id)
        Patient.objects.filter(pk=report.patient_id).update(clinical_hold=True)
        ClinicalHold.objects.create(
            clinic_id=report.clinic_id,
            patient_id=report.patient_id,
            reason=(
                f"Serious side effect ({report.get_kind_display().lower()}, {report.severity}) "
                f"reported on {report.created_at:%Y-%m-%d}, before clinical holds existed."
            ),
        )
        print(f"Placed on clinical hold: patient {report.patient_id} of clinic {report.clinic_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0012_names_are_one_line"),
        ("needling", "0013_addenda_are_named_by_uuid"),
    ]

    operations = [migrations.RunPython(hold, migrations.RunPython.noop)]
