"""What an administrator may do and a therapist may not."""

import pytest

pytestmark = pytest.mark.django_db

NEW_THERAPIST = {"username": "new-therapist", "password": "a-long-fine-password", "full_name": "Jo"}
NEW_PATIENT = {
    "given_name": "Ben",
    "family_name": "Turner",
    "date_of_birth": "1979-04-02",
    "preferred_channel": "none",
}


def test_an_admin_creates_staff(admin_api):
    assert admin_api.post("/api/v1/therapists/", NEW_THERAPIST, format="json").status_code == 201


def test_a_therapist_cannot_create_staff(therapist_api):
    answer = therapist_api.post("/api/v1/therapists/", NEW_THERAPIST, format="json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_a_therapist_cannot_change_a_colleague(therapist_api, admin):
    answer = therapist_api.patch(
        f"/api/v1/therapists/{admin.id}/", {"full_name": "X"}, format="json"
    )
    assert answer.status_code == 403


def test_a_therapist_reads_patients_but_does_not_register_them(therapist_api, patient):
    assert therapist_api.get(f"/api/v1/patients/{patient.id}/").status_code == 200
    assert therapist_api.post("/api/v1/patients/", NEW_PATIENT, format="json").status_code == 403


def test_only_an_admin_changes_the_clinic(admin_api, therapist_api):
    assert (
        therapist_api.patch("/api/v1/clinic/", {"name": "Mine"}, format="json").status_code == 403
    )
    answer = admin_api.patch("/api/v1/clinic/", {"quiet_hours_start": "22:00"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["quiet_hours_start"] == "22:00"


def test_only_an_admin_adds_rooms(admin_api, therapist_api):
    assert (
        therapist_api.post("/api/v1/rooms/", {"name": "Room 9"}, format="json").status_code == 403
    )
    assert admin_api.post("/api/v1/rooms/", {"name": "Room 9"}, format="json").status_code == 201


def test_a_new_therapist_can_sign_in_with_the_password_the_admin_set(admin_api, anonymous_api):
    admin_api.post("/api/v1/therapists/", NEW_THERAPIST, format="json")
    answer = anonymous_api.post(
        "/api/v1/auth/token/",
        {"username": "new-therapist", "password": "a-long-fine-password"},
        format="json",
    )
    assert answer.status_code == 200


def test_the_password_is_never_shown(admin_api, therapist):
    assert "password" not in admin_api.get(f"/api/v1/therapists/{therapist.id}/").json()
