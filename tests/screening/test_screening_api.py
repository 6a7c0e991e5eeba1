"""Screening through the API: consent first, strict answers, never edited, clinic-scoped."""

from datetime import timedelta

import pytest
from django.utils.dateparse import parse_datetime

from screening.models import Screening

pytestmark = pytest.mark.django_db


def post(api, patient, consent=True, **answers):
    body = {"patient": str(patient.id), "consent_given": consent, "answers": answers}
    return api.post("/api/v1/screenings/", body, format="json")


def test_a_therapist_screens_a_patient_and_sees_the_assessment(therapist_api, patient, therapist):
    answer = post(
        therapist_api,
        patient,
        diabetes=True,
        lymphedema_regions=[{"region": "upper_arm", "side": "right"}],
    )
    assert answer.status_code == 201, answer.json()
    screening = answer.json()
    assert screening["outcome"] == "cleared_with_precautions"
    assert screening["precautions"] == ["diabetes"]
    assert screening["excluded_regions"] == [  # lymphedema takes the whole arm on its side
        {"region": "upper_arm", "side": "right"},
        {"region": "shoulder", "side": "right"},
        {"region": "forearm_hand", "side": "right"},
    ]
    assert {f["code"] for f in screening["findings"]} >= {"diabetes", "lymphedema"}
    assert screening["performed_by"] == str(therapist.id)
    performed = parse_datetime(screening["performed_at"])
    assert parse_datetime(screening["valid_until"]) - performed == timedelta(days=90)
    assert screening["consent_text_version"]


def test_without_consent_nothing_is_saved(therapist_api, patient):
    answer = post(therapist_api, patient, consent=False)
    assert answer.status_code == 400
    assert answer.json()["code"] == "consent_required"
    assert not Screening.objects.exists()


def test_an_empty_screening_clears_the_patient(therapist_api, patient):
    answer = post(therapist_api, patient)
    assert answer.json()["outcome"] == "cleared"
    assert answer.json()["answers"]["understands_procedure"] is True


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"needle_phobic": True}, "needle_phobic"),
        ({"diabetes": "sometimes"}, "diabetes"),
        ({"pregnancy_trimester": 4}, "pregnancy_trimester"),
        ({"lymphedema_regions": [{"region": "tail", "side": "left"}]}, "lymphedema_regions"),
        ({"lymphedema_regions": [{"region": "neck", "side": "bilateral"}]}, "lymphedema_regions"),
        ({"lymphedema_regions": [{"region": "neck"}]}, "lymphedema_regions"),
        ({"lymphedema_regions": "neck"}, "lymphedema_regions"),
    ],
)
def test_bad_answers_are_400_naming_the_answer(therapist_api, patient, answers, field):
    answer = post(therapist_api, patient, **answers)
    assert answer.status_code == 400
    assert field in answer.json()["answers"]
    assert not Screening.objects.exists()


def test_answers_must_be_an_object(therapist_api, patient):
    body = {"patient": str(patient.id), "consent_given": True, "answers": ["diabetes"]}
    assert therapist_api.post("/api/v1/screenings/", body, format="json").status_code == 400


def test_screenings_are_never_edited_or_deleted(therapist_api, admin_api, patient):
    screening_id = post(therapist_api, patient).json()["id"]
    for api in (therapist_api, admin_api):
        assert (
            api.patch(f"/api/v1/screenings/{screening_id}/", {}, format="json").status_code == 405
        )
        assert api.delete(f"/api/v1/screenings/{screening_id}/").status_code == 405


def test_history_per_patient_newest_first(therapist_api, patient, make_patient, clinic):
    someone_else = make_patient(clinic, given_name="Ben")
    first = post(therapist_api, patient, needle_phobia=True).json()["id"]
    second = post(therapist_api, patient).json()["id"]
    post(therapist_api, someone_else)
    history = therapist_api.get(f"/api/v1/screenings/?patient={patient.id}").json()["results"]
    assert [s["id"] for s in history] == [second, first]


def test_another_clinics_patient_cannot_be_screened_or_read(
    therapist_api, other_admin_api, other_patient, patient
):
    assert post(therapist_api, other_patient).status_code == 400
    mine = post(therapist_api, patient).json()["id"]
    assert other_admin_api.get(f"/api/v1/screenings/{mine}/").status_code == 404
    assert other_admin_api.get("/api/v1/screenings/").json()["results"] == []


def test_the_muscle_vocabulary_is_served_with_regions_and_risk_notes(therapist_api):
    muscles = therapist_api.get("/api/v1/muscles/?page_size=200").json()["results"]
    by_code = {m["code"]: m for m in muscles}
    assert by_code["quadratus_lumborum"]["region"] == "lumbar"
    assert by_code["upper_trapezius"]["risk_note"].startswith("pneumothorax")
    assert by_code["gastrocnemius"]["risk_note"] == ""
    assert all(m["lateral"] for m in muscles)
    neck = therapist_api.get("/api/v1/muscles/?region=neck").json()["results"]
    assert {m["region"] for m in neck} == {"neck"}


def test_the_openapi_document_explains_every_answer(anonymous_api):
    schema = anonymous_api.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    answers = schema["components"]["schemas"]["AnswersRequest"]["properties"]
    assert all(answers[name].get("description") for name in answers)
