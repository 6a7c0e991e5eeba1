"""A serious side effect puts the patient on clinical hold until a clinic administrator releases
it with a note (domain.md, version 2). A serious report recorded before holds existed put
nobody on hold: each patient with one and no hold ever is placed on hold now, naming the first
such report, for an administrator to look at and release. As `clinic.holds.place_on_hold` does
through aftercare, their heat, reminder, re-rating, rebooking and waitlist-offer messages still
to go are cancelled, so a release reminds them once (`outbox.remind_again_after_hold`). Waitlist
offers came in the version that brought holds: one still open to such a patient lapses at its
time, and taking it is refused by the hold. The audit trail records each change, by `system`;
the patients held are listed by id for whoever migrates.

Here, the highest of the apps it touches (clinic, sessions, aftercare), so that no lower app's
migration writes a higher one's table."""

from django.db import migrations
from django.utils import timezone

# aftercare.outbox.HELD_KINDS as this migration was written.
HELD_KINDS = ("heat_ok", "course_rebook", "appointment_reminder", "outcome_rerate", "waitlist_offer")
STILL_TO_GO = ("pending", "suppressed")


def hold(apps, schema_editor):
    SideEffect = apps.get_model("needling", "SideEffect")
    Patient = apps.get_model("clinic", "Patient")
    ClinicalHold = apps.get_model("clinic", "ClinicalHold")
    Notification = apps.get_model("aftercare", "Notification")
    never_held = SideEffect.objects.filter(serious=True, patient__holds__isnull=True)
    held = set()
    for report in never_held.order_by("created_at", "pk"):
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
        Notification.objects.filter(
            patient_id=report.patient_id, kind__in=HELD_KINDS, status__in=STILL_TO_GO
        ).update(status="cancelled", updated_at=timezone.now())
        print(f"Placed on clinical hold: patient {report.patient_id} of clinic {report.clinic_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("aftercare", "0009_red_flag_alert"),
        ("clinic", "0012_names_are_one_line"),
        ("needling", "0013_addenda_are_named_by_uuid"),
    ]

    operations = [migrations.RunPython(hold, migrations.RunPython.noop)]
