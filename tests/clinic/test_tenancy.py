"""No clinic sees, changes or refers to another clinic's data: it is simply not there (404)."""

import pytest

from clinic.models import Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_room(other_clinic):
    return Room.objects.create(clinic=other_clinic, name="Their room")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_clinics_patient_is_not_found(admin_api, other_patient, method):
    answer = getattr(admin_api, method)(f"/api/v1/patients/{other_patient.id}/", {}, format="json")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    other_patient.refresh_from_db()  # still there, unchanged


@pytest.mark.parametrize("method", ["get", "patch"])
def test_another_clinics_therapist_is_not_found(admin_api, other_therapist, method):
    answer = getattr(admin_api, method)(
        f"/api/v1/therapists/{other_therapist.id}/", {"full_name": "Taken over"}, format="json"
    )
    assert answer.status_code == 404
    other_therapist.refresh_from_db()
    assert other_therapist.full_name != "Taken over"


def test_another_clinics_room_is_not_found(admin_api, other_room):
    assert admin_api.get(f"/api/v1/rooms/{other_room.id}/").status_code == 404


@pytest.mark.parametrize(
    "path, hidden",
    [
        ("/api/v1/patients/", "Grace"),
        ("/api/v1/therapists/", "south-therapist"),
        ("/api/v1/rooms/", "Their room"),
    ],
)
def test_lists_show_only_the_callers_clinic(
    admin_api, clinic, patient, therapist, other_patient, other_therapist, other_room, path, hidden
):
    Room.objects.create(clinic=clinic, name="Our room")
    answer = admin_api.get(path)
    assert answer.status_code == 200
    assert answer.json()["results"], "the caller's own clinic has rows here"
    assert hidden not in answer.content.decode()


def test_patient_search_stays_inside_the_clinic(admin_api, patient, other_patient):
    assert admin_api.get("/api/v1/patients/?search=Grace").json()["results"] == []


def test_the_clinic_endpoint_is_the_callers_own(admin_api, other_admin_api):
    assert admin_api.get("/api/v1/clinic/").json()["name"] == "Northside Physio"
    assert other_admin_api.get("/api/v1/clinic/").json()["name"] == "Southside Physio"


def test_a_room_name_may_repeat_across_clinics(admin_api, other_room):
    assert (
        admin_api.post("/api/v1/rooms/", {"name": "Their room"}, format="json").status_code == 201
    )
