"""Fixtures shared by every test: two clinics, their staff and patients, and API clients."""

from datetime import date, time, timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clinic.models import Role
from clinic.services import create_clinic, create_patient, create_staff

PASSWORD = "correct-horse-battery"
WEEKDAYS_8_TO_18 = [{"weekday": d, "start": time(8), "end": time(18)} for d in range(5)]


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def clinic(db):
    return create_clinic(
        name="Northside Physio",
        timezone="Europe/London",
        admin_username="north-admin",
        admin_password=PASSWORD,
    )


@pytest.fixture
def other_clinic(db):
    return create_clinic(
        name="Southside Physio",
        timezone="America/New_York",
        admin_username="south-admin",
        admin_password=PASSWORD,
    )


@pytest.fixture
def admin(clinic):
    return clinic.staff.get(role=Role.ADMIN)


@pytest.fixture
def make_therapist():
    def make(clinic, username, **fields):
        fields.setdefault("full_name", username.replace("-", " ").title())
        fields.setdefault("dn_certified_until", date.today() + timedelta(days=365))
        fields.setdefault("working_hours", WEEKDAYS_8_TO_18)
        return create_staff(clinic=clinic, username=username, password=PASSWORD, **fields)

    return make


@pytest.fixture
def therapist(clinic, make_therapist):
    return make_therapist(clinic, "north-therapist")


@pytest.fixture
def other_therapist(other_clinic, make_therapist):
    return make_therapist(other_clinic, "south-therapist")


@pytest.fixture
def make_patient():
    def make(clinic, **fields):
        fields.setdefault("given_name", "Ada")
        fields.setdefault("family_name", "Lovelace")
        fields.setdefault("phone", "+447911123456")
        fields.setdefault("email", "ada@example.org")
        fields.setdefault("preferred_channel", "sms")
        fields.setdefault("sms_consent", True)
        fields.setdefault("email_consent", True)
        return create_patient(clinic=clinic, **fields)

    return make


@pytest.fixture
def patient(clinic, make_patient):
    return make_patient(clinic)


@pytest.fixture
def other_patient(other_clinic, make_patient):
    return make_patient(other_clinic, given_name="Grace", family_name="Hopper")


@pytest.fixture
def admin_api(admin):
    return api_client(admin)


@pytest.fixture
def therapist_api(therapist):
    return api_client(therapist)


@pytest.fixture
def other_admin_api(other_clinic):
    return api_client(other_clinic.staff.get(role=Role.ADMIN))


@pytest.fixture
def anonymous_api():
    return api_client()
