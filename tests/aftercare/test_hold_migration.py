"""Serious side effects reported before clinical holds existed hold their patients when the
database migrates (domain.md, version 2), for an administrator to release with a note."""

import pytest

from aftercare.models import Notification
from clinic.models import ClinicalHold
from tests.migrating import migrate_back, migrate_to_latest

BEFORE = ("aftercare", "0009_red_flag_alert")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def reminders(patient) -> list[str]:
    kind = "appointment_reminder"
    return sorted(
        Notification.objects.filter(patient=patient, kind=kind).values_list("status", flat=True)
    )


def test_a_serious_report_of_before_holds_holds_its_patient_until_released(
    log_session, patient, therapist_api, admin_api, session_body, book, monday_10, capsys
):
    session = log_session()
    assert book(monday_10).status_code == 201
    old = migrate_back(BEFORE).get_model("needling", "SideEffect")
    old.objects.create(
        clinic_id=patient.clinic_id,
        session_id=session["id"],
        patient_id=patient.id,
        kind="pneumothorax",
        severity="moderate",
        reported_by="therapist",
        serious=True,
    )
    migrate_to_latest("aftercare")

    answer = therapist_api.post("/api/v1/sessions/", session_body(), format="json")
    assert (answer.status_code, answer.json()["code"]) == (409, "clinical_hold")
    [hold] = ClinicalHold.objects.filter(patient=patient)
    assert "pneumothorax" in hold.reason and hold.released_at is None
    assert f"Placed on clinical hold: patient {patient.id}" in capsys.readouterr().out
    assert reminders(patient) == ["cancelled"]  # as a hold placed now cancels it
    note = {"note": "Seen in A&E: no pneumothorax. Fine to continue."}
    release = admin_api.post(f"/api/v1/patients/{patient.id}/release-hold/", note, format="json")
    assert release.status_code == 200, release.json()
    assert reminders(patient) == ["cancelled", "pending"]  # reminded once, not twice


def test_a_patient_whose_hold_was_released_is_not_held_again(
    log_session, patient, therapist_api, admin_api, session_body
):
    session = log_session()
    report = {"session": session["id"], "kind": "pneumothorax", "severity": "moderate"}
    assert therapist_api.post("/api/v1/side-effects/", report, format="json").status_code == 201
    note = {"note": "Seen in A&E: no pneumothorax. Fine to continue."}
    release = admin_api.post(f"/api/v1/patients/{patient.id}/release-hold/", note, format="json")
    assert release.status_code == 200, release.json()
    migrate_back(BEFORE)
    migrate_to_latest("aftercare")

    assert therapist_api.post("/api/v1/sessions/", session_body(), format="json").status_code == 201
    assert ClinicalHold.objects.filter(patient=patient, released_at=None).count() == 0
