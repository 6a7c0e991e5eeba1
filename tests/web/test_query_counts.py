"""Every page of the staff app runs the same number of queries for a small and a larger
record: nothing is fetched row by row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outcomes.services import record_outcome
from sessions.models.scheduling import COURSE_SESSIONS
from sessions.records.services import add_addendum, log_session, report_side_effect
from tests.bodies import site, stimulation, typed
from tests.moments import today_at
from tests.query_counts import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(clinic, patient, therapist, screen, book, course, make_patient):
    """Add `n` of everything a page may show: appointments today (each patient screened),
    sessions with sites, stimulation, addenda, side effects and pain ratings."""

    course.planned_sessions = COURSE_SESSIONS[-1]  # room for every session logged in it
    course.save()
    booked = []

    def add(n: int):
        screen(patient, diabetes=True)
        sessions = []
        for number in range(len(booked), len(booked) + n):
            other = make_patient(clinic, given_name=f"Patient{number}")
            screen(other)
            booked.append(book(other, today_at(8) + timedelta(minutes=31 * number)))
            session = log_session(
                clinic=clinic,
                actor=therapist,
                patient=patient,
                course=course,
                started_at=timezone.now() - timedelta(hours=number + 2),
                ended_at=timezone.now() - timedelta(hours=number + 1),
                precautions_acknowledged=["diabetes"],
                sites=[site(technique="electrical"), site(side="right", technique="electrical")],
                electrical=[stimulation()],
            )
            add_addendum(session, author=therapist, text=f"Note {number}")
            report_side_effect(session=session, kind="bruising", severity="mild")
            record_outcome(
                clinic=clinic,
                patient=patient,
                course=course,
                session=session,
                instrument="nprs",
                score=number % 11,
                recorded_by=therapist,
                recorded_at=session.started_at,
            )
            sessions.append(session)
        if not course.appointments.exists():  # the patient's session of the course today,
            # booked before (written as it stands: the sessions logged since keep no gap to it)
            book(patient, today_at(0), course=course)
        return sessions

    return add


def pages(patient, session) -> list[str]:
    return [
        "/",
        "/patients/?q=Patient",
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/session/",
        f"/patients/{patient.pk}/session/?copy=last",
        f"/sessions/{session.pk}/edit/",
        f"/patients/{patient.pk}/screening/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/side-effect/",
    ]


def test_each_page_costs_the_same_queries_for_one_record_or_many(signed_in, patient, record):
    [first] = record(1)
    small = [queries(signed_in, path) for path in pages(patient, first)]
    many = record(8)
    large = [queries(signed_in, path) for path in pages(patient, many[0])]
    assert large == small


def test_the_live_check_costs_the_same_for_one_site_or_many(signed_in, patient, screen):
    screen(patient)

    def check(sites: int) -> int:
        data = {
            "started_at": typed(timezone.now()),
            "sites-TOTAL_FORMS": sites,
            "sites-INITIAL_FORMS": 0,
        }
        for number in range(sites):
            data |= {
                f"sites-{number}-muscle": "Gastrocnemius",
                f"sites-{number}-side": "left",
                f"sites-{number}-technique": "trigger_point",
                f"sites-{number}-depth": "deep",
                f"sites-{number}-needle_count": 1,
            }
        return queries(signed_in, f"/patients/{patient.pk}/session/check/", data, "post")

    assert check(1) == check(12)


def test_the_booking_pages_cost_the_same_queries_for_one_patient_found_or_many(
    signed_in, clinic, patient, make_patient
):
    paths = ["/calendar/book/?q=Ada", "/courses/new/?q=Ada"]
    one = [queries(signed_in, path) for path in paths]
    for number in range(6):
        make_patient(clinic, family_name=f"Lovelace{number}")
    assert [queries(signed_in, path) for path in paths] == one


def test_the_signed_in_person_comes_with_their_clinic(signed_in, admin_in):
    """Every page asks for the clinic (its wall clock, its records): it is read with the
    person (clinic.authentication.StaffBackend), never on its own."""
    for client, path in ((signed_in, "/"), (admin_in, "/admin/needling/appointment/")):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        alone = [q["sql"] for q in captured if 'FROM "clinic_clinic" WHERE' in q["sql"]]
        assert alone == [], path
