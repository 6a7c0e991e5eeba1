"""Signing in: a token for the right password, and nothing without one."""

import pytest

from tests.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_right_password_gets_a_token_that_opens_the_api(anonymous_api, therapist):
    answer = anonymous_api.post(
        "/api/v1/auth/token/", {"username": "north-therapist", "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 200
    anonymous_api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert anonymous_api.get("/api/v1/clinic/").json()["name"] == "Northside Physio"


def test_a_wrong_password_gets_no_token(anonymous_api, therapist):
    answer = anonymous_api.post(
        "/api/v1/auth/token/", {"username": "north-therapist", "password": "nope"}, format="json"
    )
    assert answer.status_code == 400
    assert "token" not in answer.json()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/clinic/", "/api/v1/therapists/", "/api/v1/rooms/", "/api/v1/patients/"],
)
def test_no_token_is_401(anonymous_api, clinic, path):
    answer = anonymous_api.get(path)
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_a_bad_token_is_401(anonymous_api, clinic):
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    answer = anonymous_api.get("/api/v1/patients/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"


def test_a_superuser_of_no_clinic_sees_no_clinic_data(db, clinic, patient):
    from clinic.models import Staff
    from tests.accounts import api_client

    root = Staff.objects.create_superuser("platform-root", "root@example.org", PASSWORD)
    assert api_client(root).get("/api/v1/patients/").status_code == 403
