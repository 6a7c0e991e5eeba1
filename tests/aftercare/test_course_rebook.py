"""The message asking a patient to book the rest of their course (domain.md: `course_rebook`,
the last session + 2 days, while the course has sessions left and none booked). What held when
it was planned may not hold when it is due: it goes only if it still does."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare import delivery
from aftercare.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(start_course, clinic):
    """A course of four sessions, none booked; no quiet hours, so what is due goes now."""
    clinic.quiet_hours_start = clinic.quiet_hours_end
    clinic.save()
    return start_course(planned_sessions=4, auto_schedule=False)


@pytest.fixture
def log_in_course(log_session, course):
    """Log a session of the course that ended `hours_ago` hours ago (the patient was screened
    three days ago); its id."""

    def log(hours_ago: int) -> str:
        ended = timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago)
        return log_session(
            course=course["id"],
            started_at=(ended - timedelta(minutes=40)).isoformat(),
            ended_at=ended.isoformat(),
        )["id"]

    return log


def send_rebooking_now(course) -> dict[str, str]:
    """Let every rebooking message of the course still to go fall due now, and send them: the
    status of each afterwards, by the session it follows."""
    rebooks = Notification.objects.filter(course=course["id"], kind="course_rebook")
    now = timezone.now()
    rebooks.filter(status="pending").update(send_at=now, due_at=now)
    delivery.send([str(pk) for pk in rebooks.values_list("pk", flat=True)])
    return {str(session): status for session, status in rebooks.values_list("session", "status")}


def test_a_rebooking_message_goes_while_the_course_has_sessions_left_and_none_booked(
    course, log_in_course, sms_file
):
    session = log_in_course(hours_ago=48)
    assert send_rebooking_now(course) == {session: "sent"}
    [text] = sms_file()
    assert "sessions left: 3" in text["body"]


def test_cancelling_the_course_cancels_its_rebooking_message_at_once(
    course, log_in_course, admin_api, sms_file
):
    session = log_in_course(hours_ago=24)
    assert admin_api.post(f"/api/v1/courses/{course['id']}/cancel/").status_code == 200
    messages = admin_api.get("/api/v1/notifications/", {"kind": "course_rebook"}).json()
    assert [m["status"] for m in messages["results"]] == ["cancelled"]
    assert send_rebooking_now(course) == {session: "cancelled"}
    assert sms_file() == []


def test_only_the_message_after_the_courses_last_session_goes(course, log_in_course, sms_file):
    earlier, later = log_in_course(hours_ago=48), log_in_course(hours_ago=24)
    assert send_rebooking_now(course) == {earlier: "cancelled", later: "sent"}
    [text] = sms_file()
    assert "sessions left: 2" in text["body"]


def test_a_course_its_sessions_finished_asks_nobody_to_book_more(course, log_in_course, sms_file):
    for hours_ago in (60, 48, 24, 2):  # the course's four sessions
        log_in_course(hours_ago)
    assert set(send_rebooking_now(course).values()) == {"cancelled"}
    assert sms_file() == []


def test_booking_the_courses_next_session_cancels_its_rebooking_message(
    course, log_in_course, book, monday_10, admin_api, sms_file
):
    session = log_in_course(hours_ago=24)
    assert book(monday_10, course=course["id"]).status_code == 201
    messages = admin_api.get("/api/v1/notifications/", {"kind": "course_rebook"}).json()
    assert [m["status"] for m in messages["results"]] == ["cancelled"]
    assert send_rebooking_now(course) == {session: "cancelled"}
    assert sms_file() == []
