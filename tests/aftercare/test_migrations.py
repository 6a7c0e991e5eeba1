"""Texts stored while they were Django templates meet the new rule when the database migrates."""

import pytest

from aftercare.models import MessageText
from tests.migrating import migrate_back, migrate_to_latest

BEFORE = ("aftercare", "0002_message_text_template_syntax")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stored_texts_that_are_more_than_placeholders_are_reset_and_reported(clinic, capsys):
    old = migrate_back(BEFORE).get_model("aftercare", "MessageText")
    old.objects.create(
        clinic_id=clinic.id,
        kind="appointment_reminder",
        subject="Reminder",
        body="{{ therapist.clinic.patients.all }}",
    )
    old.objects.create(
        clinic_id=clinic.id, kind="course_rebook", subject="Book", body="{% now 'Y' %}"
    )
    old.objects.create(clinic_id=clinic.id, kind="heat_ok", subject="Heat", body="{{ clinic }}!")

    migrate_to_latest("aftercare")

    assert [(t.kind, t.language, t.body) for t in MessageText.objects.all()] == [
        ("heat_ok", "en", "{{ clinic }}!")  # plain placeholders: kept
    ]
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(".")[0] for line in printed] == [
        "Reset to the built-in text: appointment_reminder (en) of clinic Northside Physio "
        f"({clinic.id})",
        f"Reset to the built-in text: course_rebook (en) of clinic Northside Physio ({clinic.id})",
    ]
