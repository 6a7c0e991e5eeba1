"""Before the 4th session of a course the patient is asked, the day before, to re-rate their pain
(NPRS) and the activities of the course's baseline (PSFS) on their aftercare page."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from aftercare import links, plan
from aftercare.models import Notification
from outcomes.models import OutcomeMeasure
from outcomes.services import record_outcome
from sessions.models import TreatmentCourse
from sessions.scheduling.services import book_rest_of_course

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
QUIET = plan.QuietHours(time(21), time(8))
SMS = plan.Recipient("sms", True, False, "Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    "starts_at, send_at",
    [
        (at(10, 10), at(9, 10)),  # the day before, at the same time
        (at(10, 8, 30), at(9, 8, 30)),
        (at(10, 7), at(8, 20, 59)),  # 07:00 the day before is quiet: the evening before that
    ],
)
def test_the_rerating_goes_the_day_before_and_never_in_quiet_hours(starts_at, send_at):
    [message] = plan.plan_rerate(
        starts_at=starts_at, recipient=SMS, quiet_hours=QUIET, now=at(1, 9)
    )
    assert (message.kind, message.send_at, message.expires_at) == (
        "outcome_rerate",
        send_at,
        starts_at,
    )


@pytest.fixture
def course(start_course):
    return start_course()


def rerates(**filters):
    return Notification.objects.filter(kind="outcome_rerate", **filters).order_by("created_at")


def test_booking_a_course_plans_one_rerating_before_its_fourth_session(course):
    fourth = sorted(course["appointments"], key=lambda a: a["starts_at"])[3]
    [rerate] = rerates()
    assert (str(rerate.appointment_id), str(rerate.course_id), rerate.status) == (
        fourth["id"],
        course["id"],
        "pending",
    )
    starts_at = datetime.fromisoformat(fourth["starts_at"])
    assert rerate.send_at == starts_at - timedelta(days=1) and rerate.expires_at == starts_at


def test_moving_the_fourth_session_moves_the_rerating_and_cancelling_it_cancels_it(
    course, admin_api
):
    fourth = sorted(course["appointments"], key=lambda a: a["starts_at"])[3]
    later = datetime.fromisoformat(fourth["starts_at"]) + timedelta(hours=2)
    answer = admin_api.post(
        f"/api/v1/appointments/{fourth['id']}/reschedule/",
        {"starts_at": later.isoformat(), "ends_at": (later + timedelta(minutes=45)).isoformat()},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert [(r.status, r.send_at) for r in rerates()] == [
        ("cancelled", later - timedelta(hours=2, days=1)),
        ("pending", later - timedelta(days=1)),
    ]
    admin_api.post(f"/api/v1/appointments/{fourth['id']}/cancel/", {}, format="json")
    assert {r.status for r in rerates()} == {"cancelled"}


def test_a_session_logged_in_the_course_without_an_appointment_counts_toward_the_fourth(
    start_course, log_session
):
    """The course's first session was given without an appointment: the rest booked after it,
    its fourth session is the third appointment, and the patient re-rates before that one."""
    course = TreatmentCourse.objects.get(pk=start_course(auto_schedule=False)["id"])
    log_session(course=str(course.pk))
    booked = sorted(book_rest_of_course(course), key=lambda appointment: appointment.starts_at)
    assert len(booked) == 4
    [rerate] = rerates()
    assert rerate.appointment == booked[2]


def test_a_single_appointment_plans_no_rerating(book, monday_10):
    book(monday_10)
    assert not rerates().exists()


@pytest.fixture
def rated_course(course, log_session, patient, therapist, begin):
    """The course with a baseline and a session over: the patient page to re-rate on."""
    from sessions.models import TreatmentCourse

    treatment = TreatmentCourse.objects.get(pk=course["id"])
    record_outcome(
        clinic=treatment.clinic,
        patient=patient,
        course=treatment,
        instrument="nprs",
        recorded_by=therapist,
        score=7,
    )
    record_outcome(
        clinic=treatment.clinic,
        patient=patient,
        course=treatment,
        instrument="psfs",
        recorded_by=therapist,
        items=[
            {"activity": "Turn my head to drive", "score": 3},
            {"activity": "Sleep", "score": 4},
        ],
    )
    first = min(course["appointments"], key=lambda a: a["starts_at"])["id"]
    begin(first)  # the patient came to the course's first appointment, and was needled
    session = log_session(appointment=first)
    return treatment, session


def test_the_rerating_message_links_to_the_re_rating_on_the_patient_page(
    rated_course, clinic, sms_file, send_one
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    _, session = rated_course
    [rerate] = rerates()
    Notification.objects.filter(pk=rerate.pk).update(
        send_at=rerate.created_at, due_at=rerate.created_at
    )
    assert send_one(rerate) == "sent"
    [body] = [m["body"] for m in sms_file() if "rate your pain" in m["body"]]
    link = re.search(r"https?://\S+", body).group(0)
    assert link.endswith("#rerate")
    assert links.PATIENT_PAGE.record_id_from(link.split("/p/")[1].split("/")[0]) == session["id"]


def test_without_a_session_over_there_is_no_page_to_re_rate_on(course, clinic, send_one):
    clinic.quiet_hours_start = clinic.quiet_hours_end
    clinic.save()
    [rerate] = rerates()
    Notification.objects.filter(pk=rerate.pk).update(
        send_at=rerate.created_at, due_at=rerate.created_at
    )
    assert send_one(rerate) == "failed"
    rerate.refresh_from_db()
    assert "No session of the course has ended" in rerate.last_error


def test_the_patient_re_rates_pain_and_the_baselines_activities_on_the_page(
    rated_course, admin_api
):
    treatment, session = rated_course
    path = f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    html = page.content.decode()
    assert 'id="rerate"' in html and "Turn my head to drive" in html and "Sleep" in html
    answer = client.post(
        path,
        {
            "form": "rerate",
            "rerate-nprs": "4",
            "rerate-activity_0": "6",
            "rerate-activity_1": "8",
            "csrfmiddlewaretoken": page.cookies["csrftoken"].value,
        },
    )
    assert answer.status_code == 302
    assert "Thank you" in client.get(answer.url).content.decode()
    ratings = OutcomeMeasure.objects.filter(reported_by="patient").order_by("instrument")
    assert [(r.instrument, r.score, r.recorded_by) for r in ratings] == [
        ("nprs", 4, None),
        ("psfs", 7, None),
    ]
    assert ratings[1].items == [
        {"activity": "Turn my head to drive", "score": 6},
        {"activity": "Sleep", "score": 8},
    ]
    change = admin_api.get(f"/api/v1/courses/{treatment.pk}/outcomes/").json()
    assert change["nprs"]["change"] == -3 and change["psfs"]["change"] == 3.5


def test_a_rerating_left_incomplete_records_nothing(rated_course):
    _, session = rated_course
    path = f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/"
    answer = Client().post(path, {"form": "rerate", "rerate-nprs": "4"})
    assert answer.status_code == 200
    assert "This field is required" in answer.content.decode()
    assert not OutcomeMeasure.objects.filter(reported_by="patient").exists()


def test_a_session_outside_a_course_offers_no_rerating(log_session):
    session = log_session()
    html = Client().get(f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/").content.decode()
    assert 'id="rerate"' not in html


def test_a_rerating_the_course_refuses_is_told_on_the_page_and_records_nothing(
    start_course, log_session
):
    """A rating is not dated before the course's first session (outcomes.rules.rating_time),
    which may start a few minutes from now: the page asks the patient to try again later."""
    course = start_course(auto_schedule=False)
    soon = timezone.now().replace(microsecond=0) + timedelta(minutes=4)
    session = log_session(
        course=course["id"],
        started_at=soon.isoformat(),
        ended_at=(soon + timedelta(minutes=1)).isoformat(),
    )
    path = f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/"
    answer = Client().post(path, {"form": "rerate", "rerate-nprs": "4"})
    assert answer.status_code == 200
    assert "could not be recorded just now" in answer.content.decode()
    assert not OutcomeMeasure.objects.filter(reported_by="patient").exists()
