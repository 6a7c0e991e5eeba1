"""The staff app's world: a therapist working every hour of every day (so the tests run at any
time), booked appointments today and a screened patient."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import Appointment, TreatmentCourse
from sessions.records.services import log_session
from sessions.scheduling.services import book_appointment
from tests.accounts import PASSWORD
from tests.bodies import site
from tests.moments import ALL_DAY, today_at, until_the_day_ends


@pytest.fixture
def therapist(clinic, make_therapist):
    return make_therapist(clinic, "north-therapist", full_name="Nora Quinn", working_hours=ALL_DAY)


@pytest.fixture
def signed_in(client, therapist):
    client.force_login(therapist)
    return client


@pytest.fixture
def admin_in(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def course(clinic, patient, therapist):
    return TreatmentCourse.objects.create(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        indication="Neck pain",
        planned_sessions=5,
        earliest_start=timezone.now(),
    )


@pytest.fixture
def book(clinic, therapist):
    """Book `patient` with the therapist at `starts_at`, for 30 minutes (or the rest of the day)."""

    def book(patient, starts_at, course=None):
        fields = dict(
            clinic=clinic,
            patient=patient,
            therapist=therapist,
            starts_at=starts_at,
            ends_at=until_the_day_ends(starts_at, timedelta(minutes=30)),
            course=course,
        )
        if starts_at < timezone.now():
            # Booked earlier, for a time now past: the booking service refuses the past, so the
            # day's history is written as it stands.
            return Appointment.objects.create(**fields)
        return book_appointment(**fields)

    return book


@pytest.fixture
def logged_today(clinic, patient, therapist, screen, book):
    """The screened patient's appointment at midnight today, its session logged."""
    screen(patient)
    appointment = book(patient, today_at(0))
    session = log_session(
        clinic=clinic,
        actor=therapist,
        patient=patient,
        appointment=appointment,
        started_at=appointment.starts_at,
        sites=[site()],
    )
    return appointment, session


@pytest.fixture
def password():
    return PASSWORD
