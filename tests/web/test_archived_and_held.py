"""The staff app tells the same story as the rest of the system about a patient who is not open
for care: an archived patient is kept on record but no longer offered for booking or found by a
search; a patient on clinical hold is shown as held where the therapist works; and a course's
progress is counted as the API counts it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.holds import archive_patient, place_on_hold
from sessions.records.services import log_session
from tests.bodies import site
from tests.moments import today_at
from tests.query_counts import queries

pytestmark = pytest.mark.django_db

HELD = "is on clinical hold after a serious side effect: nothing new can be booked or logged"


@pytest.fixture
def archived(patient):
    """Ada Lovelace, archived (`byron` is another Ada, still in care)."""
    return archive_patient(patient)


@pytest.fixture
def byron(clinic, make_patient):
    return make_patient(clinic, family_name="Byron", phone="+447911000333")


def test_the_patient_search_leaves_an_archived_patient_out_as_the_api_does(
    signed_in, admin_api, archived, byron
):
    page = signed_in.get("/patients/", {"q": "ada"}).content.decode()
    listed = admin_api.get("/api/v1/patients/", {"search": "ada"}).json()["results"]

    assert "Ada Byron" in page and "Lovelace" not in page
    assert [p["family_name"] for p in listed] == ["Byron"]


@pytest.mark.parametrize("picker", ["/calendar/book/", "/courses/new/"])
def test_the_booking_pickers_do_not_offer_an_archived_patient(signed_in, archived, byron, picker):
    page = signed_in.get(picker, {"q": "ada"}).content.decode()
    assert "Ada Byron" in page
    assert "Lovelace" not in page


def test_an_archived_patients_card_still_opens_and_says_archived(signed_in, archived):
    response = signed_in.get(f"/patients/{archived.pk}/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Ada Lovelace" in page
    assert '<span class="tag archived">Archived</span>' in page
    assert "no longer booked or treated" in page
    assert "Log a session" not in page


def test_a_held_patients_appointment_on_today_says_so_and_offers_no_start(
    signed_in, book, patient, byron, screen
):
    screen(patient)
    book(patient, today_at(9))
    book(byron, today_at(10))
    place_on_hold(patient, reason="Pneumothorax suspected after session 2")

    page = signed_in.get("/").content.decode()
    held_card, other_card = page.split('<li class="card">')[1:]

    assert HELD in held_card
    assert "Start session" not in held_card
    assert "Start session" in other_card and HELD not in other_card


def test_an_archived_patients_appointment_on_today_offers_no_start(signed_in, book, patient):
    book(patient, today_at(9))  # booked before the archive, which leaves appointments be
    archive_patient(patient)

    page = signed_in.get("/").content.decode()

    assert "Ada Lovelace is archived: archived patients are not booked or treated." in page
    assert "Start session" not in page


def test_a_held_patients_logged_session_still_opens_its_note(signed_in, patient, logged_today):
    place_on_hold(patient, reason="Fainted during the session")

    page = signed_in.get("/").content.decode()

    assert HELD in page
    assert "Open note" in page
    assert "Start session" not in page


def test_today_costs_the_same_queries_with_held_patients(signed_in, book, clinic, make_patient):
    patients = [make_patient(clinic, given_name=f"Patient{n}") for n in range(4)]
    for n, each in enumerate(patients):
        book(each, today_at(8) + timedelta(minutes=31 * n))

    before = queries(signed_in, "/")
    for each in patients:
        place_on_hold(each, reason="Serious side effect")
    assert queries(signed_in, "/") == before


def test_the_card_shows_the_hold_and_why_near_the_top(signed_in, patient):
    place_on_hold(patient, reason="Pneumothorax suspected after session 2")

    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()
    top = page[: page.index('id="details"')]

    assert "On clinical hold since" in top
    assert "no new sessions or bookings until an administrator releases it" in top
    assert "Pneumothorax suspected after session 2" in top
    assert "Log a session" not in page
    assert "clinical holds page" not in page  # releasing is for administrators


def test_an_administrator_is_pointed_from_the_card_to_the_release(admin_in, patient):
    place_on_hold(patient, reason="Fainted during the session")
    page = admin_in.get(f"/patients/{patient.pk}/").content.decode()
    assert '<a href="/clinic/holds/">Release it on the clinical holds page</a>' in page


def test_a_card_without_a_hold_shows_none(signed_in, patient):
    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()
    assert "clinical hold" not in page.lower()
    assert "Archived" not in page
    assert "Log a session" in page


@pytest.fixture
def course_with_sessions(clinic, patient, therapist, course, screen):
    """Two sessions done and one still going."""
    screen(patient)
    now = timezone.now()
    for hours_ago, ended in [(6, True), (4, True), (0, False)]:
        started_at = now - timedelta(hours=hours_ago, minutes=1)
        log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            course=course,
            started_at=started_at,
            ended_at=started_at + timedelta(minutes=30) if ended else None,
            sites=[site()],
        )
    return course


def test_the_cards_course_progress_is_the_apis_sessions_done(
    signed_in, admin_api, patient, course_with_sessions
):
    done = admin_api.get(f"/api/v1/courses/{course_with_sessions.pk}/").json()["sessions_done"]
    page = signed_in.get(f"/patients/{patient.pk}/").content.decode()
    assert done == 2
    assert f"{done} of 5 sessions done" in page
