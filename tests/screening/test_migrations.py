"""Screenings recorded under the first rules meet version 2's when the database migrates: what
a screening allows is assessed again from its stored answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.bodies import site
from tests.migrating import migrate_back, migrate_to_latest

BEFORE = ("screening", "0005_screened_patients_are_kept")


def recorded_under_the_first_rules(clinic, patient, therapist, answers, **assessed):
    """Migrate back to before version 2's rules were applied to stored screenings, and store a
    screening as the first rules assessed it (90 days, the named regions only)."""
    old = migrate_back(BEFORE).get_model("screening", "Screening")
    performed_at = assessed.pop("performed_at")
    old.objects.create(
        clinic_id=clinic.id,
        patient_id=patient.id,
        performed_by_id=therapist.id,
        performed_at=performed_at,
        consent_given=True,
        answers=answers,
        outcome="cleared_with_precautions",
        valid_until=performed_at + timedelta(days=90),
        **assessed,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pregnant_patients_old_screening_lasts_28_days_and_excludes_the_iliopsoas(
    clinic, patient, therapist, therapist_api, session_body
):
    performed_at = timezone.now() - timedelta(days=30)
    recorded_under_the_first_rules(
        clinic,
        patient,
        therapist,
        {"pregnancy_trimester": 2},
        performed_at=performed_at,
        excluded_regions=[{"region": "abdomen", "side": "any"}],
    )
    migrate_to_latest("screening")
    screening = patient.screenings.get()
    assert screening.valid_until == performed_at + timedelta(days=28)
    assert screening.excluded_muscles == ["iliopsoas"]
    answer = therapist_api.post("/api/v1/sessions/", session_body(), format="json")
    assert (answer.status_code, answer.json()["code"]) == (400, "screening_expired")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lymphedema_on_an_old_screening_now_excludes_the_whole_limb(
    clinic, patient, therapist, therapist_api, session_body
):
    forearm = {"region": "forearm_hand", "side": "left"}
    recorded_under_the_first_rules(
        clinic,
        patient,
        therapist,
        {"lymphedema_regions": [forearm]},
        performed_at=timezone.now() - timedelta(days=3),
        excluded_regions=[forearm],
        findings=[{"code": "lymphedema", "kind": "absolute", "message": "Lymphedema."}],
    )
    migrate_to_latest("screening")
    body = session_body(sites=[site(muscle="biceps_brachii", side="left")])
    answer = therapist_api.post("/api/v1/sessions/", body, format="json")
    assert (answer.status_code, answer.json()["code"]) == (400, "region_excluded")
    body = session_body(sites=[site(muscle="biceps_brachii", side="right")])
    assert therapist_api.post("/api/v1/sessions/", body, format="json").status_code == 201
