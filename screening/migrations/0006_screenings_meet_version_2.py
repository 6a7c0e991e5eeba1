"""Screenings recorded under the first rules meet version 2's (domain.md): a pregnant patient's
screening lasts 28 days, not 90, and excludes the iliopsoas; lymphedema anywhere on a limb
excludes the whole limb. Each screening's stored answers are assessed again by the rules as
they stand (`screening.rules.assess`, stored as `services.stored_assessment` stores a new one),
not by a copy frozen here: the rules are what a session is checked against. Version 2 only adds
to the first rules, so a screening of before allows less than it did, and one recorded since is
left as it is. The audit trail records each change, by `system`."""

from django.db import migrations


def assess_again(apps, schema_editor):
    from screening import rules
    from screening.services import answers_from, stored_assessment

    Screening = apps.get_model("screening", "Screening")
    for screening in Screening.objects.order_by("pk").iterator(chunk_size=500):
        assessment = rules.assess(answers_from(screening.answers), screening.performed_at)
        now = stored_assessment(assessment)
        if any(getattr(screening, name) != value for name, value in now.items()):
            # Screening.save refuses to change a screening; what it says, the rules now decide.
            Screening.objects.filter(pk=screening.pk).update(**now)


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_screened_patients_are_kept")]

    operations = [migrations.RunPython(assess_again, migrations.RunPython.noop)]
