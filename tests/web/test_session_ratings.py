"""A therapist rates pain (NPRS) and activities (PSFS) in the session form of a course's
session: the first ratings are the course's baseline, later ones re-rate the same activities."""

import pytest
from django.utils import timezone

from outcomes.models import OutcomeMeasure
from sessions.models import NeedlingSession
from tests.bodies import session_form
from tests.moments import about_now, days_later

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_session(patient, screen, book, course):
    """The session form of the patient's next appointment in the course."""
    screen(patient)

    def form_page(days_ahead: int = 0) -> str:
        appointment = book(patient, days_later(about_now(), days_ahead), course=course)
        return f"/patients/{patient.pk}/appointments/{appointment.pk}/session/"

    return form_page


BASELINE = {
    "rating-nprs": 7,
    "rating-activity_0": "Climbing stairs",
    "rating-score_0": 3,
    "rating-activity_1": "Running for the bus",
    "rating-score_1": 2,
}


def test_the_first_session_of_a_course_records_its_baseline(
    signed_in, course_session, course, admin_api, therapist
):
    path = course_session()
    page = signed_in.get(path).content.decode()
    assert "Outcome ratings for the course" in page and "PSFS activity 1" in page
    answer = signed_in.post(path, session_form(timezone.now(), **BASELINE))
    assert answer.status_code == 302
    session = NeedlingSession.objects.get()
    nprs, psfs = OutcomeMeasure.objects.order_by("instrument")
    assert (nprs.instrument, nprs.score, nprs.session, nprs.recorded_by) == (
        "nprs",
        7,
        session,
        therapist,
    )
    assert [item["activity"] for item in psfs.items] == ["Climbing stairs", "Running for the bus"]
    assert psfs.score == 2.5 and psfs.recorded_at == session.started_at
    outcomes = admin_api.get(f"/api/v1/courses/{course.pk}/outcomes/").json()
    assert outcomes["nprs"]["baseline"] == 7


def test_a_later_session_re_rates_the_same_activities_every_one_or_none(
    signed_in, course_session, course, admin_api
):
    two_days_ago = days_later(timezone.now(), -2)
    signed_in.post(course_session(days_ahead=-2), session_form(two_days_ago, **BASELINE))
    path = course_session()  # the course's next session, two days on
    page = signed_in.get(path).content.decode()
    assert "PSFS: Climbing stairs (0-10)" in page and "PSFS activity 1" not in page

    half = signed_in.post(path, session_form(timezone.now(), **{"rating-score_0": 6}))
    assert "Re-rate the course&#x27;s activities: Climbing stairs, Running for the bus." in (
        half.content.decode()
    )
    assert NeedlingSession.objects.count() == 1  # nothing of the second session was written

    signed_in.post(
        path,
        session_form(
            timezone.now(), **{"rating-nprs": 4, "rating-score_0": 6, "rating-score_1": 5}
        ),
    )
    outcomes = admin_api.get(f"/api/v1/courses/{course.pk}/outcomes/").json()
    assert (outcomes["nprs"]["baseline"], outcomes["nprs"]["latest"]) == (7, 4)
    assert (outcomes["psfs"]["baseline"], outcomes["psfs"]["latest"]) == (2.5, 5.5)


def test_an_activity_named_but_not_rated_is_refused_by_its_score(signed_in, course_session):
    path = course_session()
    page = signed_in.post(
        path, session_form(timezone.now(), **{"rating-activity_0": "Kneeling"})
    ).content.decode()
    assert "Rate the activity, 0 to 10." in page
    assert not NeedlingSession.objects.exists() and not OutcomeMeasure.objects.exists()


def test_a_session_in_no_course_offers_no_ratings(signed_in, patient, screen):
    screen(patient)
    page = signed_in.get(f"/patients/{patient.pk}/session/").content.decode()
    assert "Outcome ratings" not in page
