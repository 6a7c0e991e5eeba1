"""Fixtures shared by every test: two clinics, their staff and patients, and API clients."""

import functools
from datetime import date, time, timedelta

import pytest
from django.test import Client

from clinic.models import Role, Room
from clinic.services import create_clinic, create_patient, create_staff
from tests import bodies
from tests.accounts import PASSWORD, WEEKDAYS_8_TO_18, api_client
from tests.moments import next_weekday


@pytest.fixture(autouse=True)
def fresh_abuse_limits():
    """Each test starts with no requests counted against its client address."""
    from django.core.cache import cache

    cache.clear()


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
        fields.setdefault("date_of_birth", date(1985, 12, 10))
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


@pytest.fixture
def admin_site(admin):
    """The Django admin, signed in as the clinic's administrator."""
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def monday_10(clinic):
    return next_weekday(clinic.timezone, 0, time(10))


@pytest.fixture
def room(clinic):
    return Room.objects.create(clinic=clinic, name="Treatment room 1")


@pytest.fixture
def book(admin_api, patient, therapist):
    """POST an appointment of `minutes` at `starts_at`; other fields may be overridden."""

    def book(starts_at, minutes=45, api=None, **fields):
        body = {
            "patient": str(patient.id),
            "therapist": str(therapist.id),
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
            **{
                name: str(value.id) if hasattr(value, "id") else value
                for name, value in fields.items()
            },
        }
        return (api or admin_api).post("/api/v1/appointments/", body, format="json")

    return book


@pytest.fixture
def start_course(admin_api, patient, therapist, monday_10):
    """POST a course for the patient, booked from a Monday at 10:00 on (the contract's five
    sessions unless `fields` say otherwise); its answer."""

    def start_course(**fields):
        body = bodies.course_body(
            patient, therapist, earliest_start=monday_10.isoformat(), **fields
        )
        answer = admin_api.post("/api/v1/courses/", body, format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return start_course


@pytest.fixture
def begin():
    """Let a booked appointment's time come: it began five minutes ago and goes on for 40 more
    (booking refuses a start in the past; a patient is marked a no-show once it has begun)."""
    from django.utils import timezone

    from sessions.models import Appointment

    def begin(appointment_id: str) -> None:
        started = timezone.now() - timedelta(minutes=5)
        Appointment.objects.filter(pk=appointment_id).update(
            starts_at=started, ends_at=started + timedelta(minutes=45)
        )

    return begin


@pytest.fixture
def screen(therapist):
    """Screen a patient (consent given) with these answers, three days ago."""
    from django.utils import timezone

    from screening.services import record_screening

    def screen(patient, **answers):
        return record_screening(
            patient=patient,
            performed_by=therapist,
            consent_given=True,
            answers=answers,
            performed_at=timezone.now() - timedelta(days=3),
        )

    return screen


@pytest.fixture
def cleared(screen, patient):
    """The test patient, screened and cleared for needling."""
    return screen(patient)


@pytest.fixture
def session_body(patient):
    """A realistic body for a session of `patient` (see tests/bodies.py)."""
    return functools.partial(bodies.session_body, str(patient.id))


@pytest.fixture
def log_session(therapist_api, screen, patient, session_body):
    """Log a session for the screened patient; returns its API representation."""
    screen(patient)

    def log(**fields):
        answer = therapist_api.post("/api/v1/sessions/", session_body(**fields), format="json")
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return log


def pytest_collection_modifyitems(items):
    """A test that serves pages to a browser or a client over a socket is slow: `-m "not slow"`
    leaves it out of the quick loop (bin/test and CI still run it)."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
