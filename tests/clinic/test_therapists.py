"""Staff records with weekly working hours in the clinic's local time."""

import pytest

pytestmark = pytest.mark.django_db

HOURS = [
    {"weekday": 0, "start": "09:00", "end": "12:00"},
    {"weekday": 0, "start": "13:00", "end": "17:00"},
]


def test_working_hours_are_stored_and_shown_as_local_clock_times(admin_api):
    answer = admin_api.post(
        "/api/v1/therapists/",
        {
            "username": "jo",
            "password": "a-long-fine-password",
            "working_hours": HOURS,
            "dn_certified_until": "2027-06-30",
            "phone": "+447911123457",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["working_hours"] == HOURS
    assert answer.json()["dn_certified_until"] == "2027-06-30"
    assert answer.json()["role"] == "therapist"


def test_patching_working_hours_replaces_the_week(admin_api, therapist):
    week = [{"weekday": 4, "start": "10:00", "end": "14:00"}]
    answer = admin_api.patch(
        f"/api/v1/therapists/{therapist.id}/", {"working_hours": week}, format="json"
    )
    assert answer.status_code == 200
    assert admin_api.get(f"/api/v1/therapists/{therapist.id}/").json()["working_hours"] == week


@pytest.mark.parametrize(
    "hours",
    [
        [{"weekday": 7, "start": "09:00", "end": "17:00"}],
        [{"weekday": 0, "start": "17:00", "end": "09:00"}],
        [{"weekday": 0, "start": "9am", "end": "17:00"}],
        [
            {"weekday": 0, "start": "09:00", "end": "13:00"},
            {"weekday": 0, "start": "12:00", "end": "15:00"},
        ],
        [{"end": "20:00"}],  # a PATCH still gives each block whole (found by the fuzzer: a 500)
    ],
)
def test_impossible_working_hours_are_400(admin_api, therapist, hours):
    answer = admin_api.patch(
        f"/api/v1/therapists/{therapist.id}/", {"working_hours": hours}, format="json"
    )
    assert answer.status_code == 400
    assert "working_hours" in answer.json()
    assert len(admin_api.get(f"/api/v1/therapists/{therapist.id}/").json()["working_hours"]) == 5


def test_a_new_therapist_with_hours_that_end_before_they_start_is_not_added(admin_api):
    hours = [{"weekday": 2, "start": "17:00", "end": "09:00"}]
    answer = admin_api.post(
        "/api/v1/therapists/",
        {"username": "jo", "password": "a-long-fine-password", "working_hours": hours},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["working_hours"] == [
        "The block on Wednesday at 17:00 must end after it starts."
    ]
    usernames = [t["username"] for t in admin_api.get("/api/v1/therapists/").json()["results"]]
    assert "jo" not in usernames


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password": "123"}, "password"),
        ({"username": "north-admin"}, "username"),
        ({"role": "owner"}, "role"),
        ({"dn_certified_until": "soon"}, "dn_certified_until"),
    ],
)
def test_bad_staff_details_are_400(admin_api, change, field):
    answer = admin_api.post(
        "/api/v1/therapists/",
        {"username": "jo", "password": "a-long-fine-password", **change},
        format="json",
    )
    assert answer.status_code == 400
    assert field in answer.json()


def test_a_timezone_that_does_not_exist_is_refused_for_the_clinic(admin_api):
    answer = admin_api.patch("/api/v1/clinic/", {"timezone": "Mars/Olympus"}, format="json")
    assert answer.status_code == 400
    assert "timezone" in answer.json()
