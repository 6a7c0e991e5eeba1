"""Treatment courses: a whole course booked in one request, or nothing."""

import itertools
import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aftercare import delivery
from aftercare.models import Notification
from clinic.models import WorkingHours
from sessions.models import Appointment, TreatmentCourse
from sessions.records.services import log_session
from sessions.scheduling.services import book_rest_of_course
from tests import bodies
from tests.moments import ALL_DAY, days_later, next_dst_change
from tests.query_counts import queries

pytestmark = pytest.mark.django_db


def local_days(appointments, tz_name):
    tz = ZoneInfo(tz_name)
    return [datetime.fromisoformat(a["starts_at"]).astimezone(tz) for a in appointments]


def test_a_course_books_five_sessions_two_to_seven_days_apart(start_course):
    course = start_course()
    assert (course["status"], course["planned_sessions"], course["sessions_done"]) == (
        "active",
        5,
        0,
    )
    starts = local_days(course["appointments"], "Europe/London")
    assert len(starts) == 5
    assert starts[0].strftime("%a %H:%M") == "Mon 10:00"
    assert all(2 <= (b.date() - a.date()).days <= 7 for a, b in itertools.pairwise(starts))
    assert all(
        a["status"] == "booked" and a["course"] == course["id"] for a in course["appointments"]
    )


def test_a_course_works_around_the_patients_and_rooms_other_appointments(
    admin_api, patient, therapist, monday_10, book, room, clinic, make_therapist
):
    colleague = make_therapist(clinic, "sam")
    book(monday_10, therapist=colleague)  # the patient is busy Monday 10:00 with someone else
    answer = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(
            patient,
            therapist,
            room=str(room.id),
            earliest_start=monday_10.isoformat(),
            planned_sessions=1,
        ),
        format="json",
    )
    first = answer.json()["appointments"][0]
    assert (
        first["starts_at"]
        != admin_api.get("/api/v1/appointments/").json()["results"][0]["starts_at"]
    )
    assert local_days([first], "Europe/London")[0].strftime("%H:%M") == "10:45"


def test_no_room_for_the_course_is_409_and_books_nothing(admin_api, patient, therapist, monday_10):
    WorkingHours.objects.filter(staff=therapist).exclude(weekday=0).delete()  # Mondays only
    answer = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(
            patient, therapist, earliest_start=monday_10.isoformat(), min_gap_days=2, max_gap_days=5
        ),
        format="json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "no_availability"
    assert not Appointment.objects.exists() and not TreatmentCourse.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"planned_sessions": 13}, "planned_sessions"),
        ({"planned_sessions": 0}, "planned_sessions"),
        ({"min_gap_days": 5, "max_gap_days": 3}, "max_gap_days"),
        ({"session_minutes": "long"}, "session_minutes"),
        ({"indication": ""}, "indication"),
        ({"earliest_start": "soon"}, "earliest_start"),
    ],
)
def test_impossible_courses_are_400(admin_api, patient, therapist, fields, field):
    answer = admin_api.post(
        "/api/v1/courses/", bodies.course_body(patient, therapist, **fields), format="json"
    )
    assert answer.status_code == 400 and field in answer.json()
    assert not TreatmentCourse.objects.exists()


def test_without_auto_schedule_nothing_is_booked(admin_api, patient, therapist):
    answer = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(patient, therapist, auto_schedule=False),
        format="json",
    )
    assert answer.status_code == 201 and answer.json()["appointments"] == []


def test_a_course_is_not_booked_beyond_its_planned_sessions(start_course, book):
    course = start_course(planned_sessions=3)
    last = max(parse_datetime(a["starts_at"]) for a in course["appointments"])
    answer = book(days_later(last, 7), course=course["id"])
    assert (answer.status_code, answer.json()["code"]) == (409, "invalid_state")
    assert "All 3 sessions of the course are booked or done." in answer.json()["detail"]
    assert Appointment.objects.filter(course=course["id"]).count() == 3


def test_nothing_is_booked_in_a_cancelled_course(admin_api, start_course, monday_10, book):
    course = start_course(planned_sessions=2)
    admin_api.post(f"/api/v1/courses/{course['id']}/cancel/")
    answer = book(monday_10 + timedelta(days=21), course=course["id"])
    assert (answer.status_code, answer.json()["code"]) == (409, "invalid_state")
    assert "cancelled" in answer.json()["detail"]


def test_a_course_session_moves_no_closer_than_the_least_gap_but_may_move_later(
    admin_api, start_course
):
    course = start_course(planned_sessions=3)
    first, second, third = sorted(course["appointments"], key=lambda a: a["starts_at"])

    def move(appointment, starts_at):
        return admin_api.post(
            f"/api/v1/appointments/{appointment['id']}/reschedule/",
            {
                "starts_at": starts_at.isoformat(),
                "ends_at": (starts_at + timedelta(minutes=45)).isoformat(),
            },
            format="json",
        )

    too_close = move(second, parse_datetime(first["starts_at"]) + timedelta(days=1))
    assert too_close.status_code == 400
    assert "at least 2 days from the course" in too_close.json()["starts_at"][0]
    assert Appointment.objects.get(pk=second["id"]).starts_at == parse_datetime(second["starts_at"])
    # The patient is away: the last session goes a fortnight later (past the 7-day aim).
    later = move(third, days_later(parse_datetime(third["starts_at"]), 14))
    assert later.status_code == 200, later.json()


@pytest.fixture
def walked_in(clinic, patient, make_therapist, screen):
    """A course of four sessions at least two days apart with a therapist working every hour,
    and a session logged in it two hours ago without an appointment: the course, and when
    that session started."""
    therapist = make_therapist(clinic, "all-day", working_hours=ALL_DAY)
    screen(patient)
    course = TreatmentCourse.objects.create(
        clinic=clinic, patient=patient, therapist=therapist, indication="Neck pain",
        planned_sessions=4, min_gap_days=2, earliest_start=timezone.now(),
    )  # fmt: skip
    started = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    log_session(
        clinic=clinic, actor=therapist, patient=patient, course=course, started_at=started,
        ended_at=started + timedelta(minutes=30), sites=[bodies.site()],
    )  # fmt: skip
    return course, started


def test_a_session_logged_in_a_course_without_an_appointment_keeps_the_courses_gap_too(
    book, walked_in
):
    """A session logged in the course this afternoon, with no appointment: the next one is
    booked no sooner than the course's least gap after it, as after a booked one."""
    course, started = walked_in
    therapist = course.therapist
    clock = bodies.CLINIC_CLOCK
    logged_day = started.astimezone(clock).date()

    def book_on(days):
        day = logged_day + timedelta(days=days)
        return book(datetime.combine(day, time(10), clock), therapist=therapist, course=course)

    too_soon = book_on(1)
    assert too_soon.status_code == 400
    assert f"one is on {logged_day:%Y-%m-%d}, 1 day away" in too_soon.json()["starts_at"][0]
    assert book_on(2).status_code == 201


def test_a_course_is_completed_when_its_sessions_done_reach_its_plan_and_no_sooner(
    admin_api, therapist_api, log_session, patient, therapist
):
    course = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(patient, therapist, planned_sessions=2, auto_schedule=False),
        format="json",
    ).json()

    def shown():
        answer = admin_api.get(f"/api/v1/courses/{course['id']}/").json()
        return answer["status"], answer["sessions_done"]

    log_session(course=course["id"])
    running = log_session(course=course["id"], ended_at=None)
    assert shown() == ("active", 1)  # a session still running is not done
    ended = (timezone.now() - timedelta(minutes=1)).isoformat()
    therapist_api.patch(f"/api/v1/sessions/{running['id']}/", {"ended_at": ended}, format="json")
    assert shown() == ("completed", 2)
    # The draft that completed it is deleted: one session done of two, the course goes on.
    assert therapist_api.delete(f"/api/v1/sessions/{running['id']}/").status_code == 204
    assert shown() == ("active", 1)


def test_a_session_logged_in_a_courses_appointment_counts_for_the_course(
    admin_api, log_session, patient, therapist
):
    course = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(patient, therapist, planned_sessions=1),
        format="json",
    ).json()
    [appointment] = course["appointments"]
    Appointment.objects.filter(pk=appointment["id"]).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )  # its time has come
    log_session(appointment=appointment["id"])
    shown = admin_api.get(f"/api/v1/courses/{course['id']}/").json()
    assert (shown["status"], shown["sessions_done"]) == ("completed", 1)
    assert shown["appointments"][0]["status"] == "completed"


def test_sessions_done_counts_the_courses_ended_sessions(
    admin_api, log_session, patient, therapist, clinic, settings, tmp_path
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: the text goes now
    clinic.save()
    sms_file = tmp_path / "sms.jsonl"
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", str(sms_file)
    patient.preferred_channel, patient.sms_consent = "sms", True
    patient.save()
    course = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(patient, therapist, auto_schedule=False),
        format="json",
    ).json()
    log_session(course=course["id"])
    log_session(course=course["id"])
    log_session(course=course["id"], ended_at=None)  # still running
    log_session()  # outside the course
    shown = admin_api.get(f"/api/v1/courses/{course['id']}/").json()
    assert shown["sessions_done"] == 2
    # The rebooking message counts the same: five planned, two done, three left.
    rebook = Notification.objects.filter(course=course["id"], kind="course_rebook").latest(
        "created_at"
    )
    now = timezone.now()
    Notification.objects.filter(pk=rebook.pk).update(send_at=now, due_at=now, status="pending")
    assert delivery.send([str(rebook.id)])[str(rebook.id)] == "sent"
    [text] = [json.loads(line) for line in sms_file.read_text().splitlines()]
    assert "sessions left: 3" in text["body"]


def test_cancelling_a_course_cancels_its_future_appointments(admin_api, patient, therapist):
    course = admin_api.post(
        "/api/v1/courses/", bodies.course_body(patient, therapist), format="json"
    ).json()
    answer = admin_api.post(f"/api/v1/courses/{course['id']}/cancel/")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert {a["status"] for a in answer.json()["appointments"]} == {"cancelled"}
    again = admin_api.post(f"/api/v1/courses/{course['id']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


@pytest.mark.parametrize("tz_name", ["Europe/London", "America/New_York"])
def test_a_course_across_a_clock_change_keeps_its_local_times(
    admin_api, patient, therapist, clinic, tz_name
):
    clinic.timezone = tz_name
    clinic.save()
    change = next_dst_change(tz_name, days_ahead=4)  # its course begins three days before
    start = (change - timedelta(days=3)).replace(hour=8).astimezone(UTC)
    answer = admin_api.post(
        "/api/v1/courses/",
        bodies.course_body(
            patient, therapist, earliest_start=start.isoformat(), min_gap_days=2, max_gap_days=4
        ),
        format="json",
    )
    starts = local_days(answer.json()["appointments"], tz_name)
    assert {s.strftime("%H:%M") for s in starts} == {"08:00"}
    offsets = {s.utcoffset() for s in starts}
    assert len(offsets) == 2  # the same wall clock on both sides of the change


@pytest.mark.parametrize(
    "tz_name, month, first_utc_hour",
    [
        ("Europe/London", 1, 8),
        ("Europe/London", 7, 7),
        ("America/New_York", 1, 13),
        ("America/New_York", 7, 12),
    ],
)
def test_free_slots_open_at_the_local_start_of_work_winter_and_summer(
    admin_api, therapist, clinic, tz_name, month, first_utc_hour
):
    clinic.timezone = tz_name
    clinic.save()
    year = datetime.now(UTC).year + 1
    day = datetime(year, month, 1, tzinfo=ZoneInfo(tz_name))
    day += timedelta(days=(7 - day.weekday()) % 7)  # the first Monday
    answer = admin_api.get(
        f"/api/v1/therapists/{therapist.id}/free-slots/",
        {"start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat(), "minutes": 45},
    )
    first = datetime.fromisoformat(answer.json()[0]["starts_at"])
    assert (first.hour, first.astimezone(ZoneInfo(tz_name)).time()) == (first_utc_hour, time(8))


def test_free_slots_leave_out_booked_time(admin_api, therapist, book, monday_10):
    book(monday_10)
    day_start = monday_10.replace(hour=0)
    answer = admin_api.get(
        f"/api/v1/therapists/{therapist.id}/free-slots/",
        {
            "start": day_start.isoformat(),
            "end": (day_start + timedelta(days=1)).isoformat(),
            "minutes": 60,
        },
    )
    starts = [s["starts_at"] for s in answer.json()]
    assert all(
        not (
            monday_10 - timedelta(minutes=59)
            <= datetime.fromisoformat(s)
            < monday_10 + timedelta(minutes=45)
        )
        for s in starts
    )


@pytest.mark.parametrize(
    "query, field",
    [
        ({}, "start"),
        ({"start": "x", "end": "y"}, "start"),
        ({"start": "2030-01-02T00:00Z", "end": "2030-01-01T00:00Z"}, "end"),
        ({"start": "2030-01-01T00:00Z", "end": "2030-03-01T00:00Z"}, "end"),
        ({"start": "2030-01-01T00:00Z", "end": "2030-01-02T00:00Z", "minutes": 0}, "minutes"),
    ],
)
def test_free_slots_questions_must_make_sense(admin_api, therapist, query, field):
    answer = admin_api.get(f"/api/v1/therapists/{therapist.id}/free-slots/", query)
    assert answer.status_code == 400 and field in answer.json()


def test_free_slots_are_only_those_a_booking_would_take(admin_api, therapist):
    """None already begun (a booking refuses a start in the past), none of a therapist who
    left (a booking refuses them)."""
    now = datetime.now(UTC)
    fortnight = {
        "start": (now - timedelta(days=14)).isoformat(),
        "end": (now + timedelta(days=14)).isoformat(),
    }
    slots_url = f"/api/v1/therapists/{therapist.id}/free-slots/"
    starts = [
        datetime.fromisoformat(s["starts_at"]) for s in admin_api.get(slots_url, fortnight).json()
    ]
    assert starts and min(starts) >= now
    therapist.is_active = False
    therapist.save()
    assert admin_api.get(slots_url, fortnight).json() == []


def test_another_clinics_therapist_has_no_slots_or_calendar_here(admin_api, other_therapist):
    assert admin_api.get(f"/api/v1/therapists/{other_therapist.id}/free-slots/").status_code == 404
    assert admin_api.get(f"/api/v1/therapists/{other_therapist.id}/calendar.ics").status_code == 404


def test_the_calendar_feed_lists_live_appointments(admin_api, therapist, book, monday_10):
    from icalendar import Calendar

    kept = book(monday_10).json()["id"]
    dropped = book(monday_10 + timedelta(hours=2)).json()["id"]
    admin_api.post(f"/api/v1/appointments/{dropped}/cancel/", {}, format="json")
    answer = admin_api.get(f"/api/v1/therapists/{therapist.id}/calendar.ics")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{kept}@filiform"]
    assert events[0].decoded("dtstart") == monday_10
    assert "Lovelace" in str(events[0]["summary"])


def test_the_calendar_needs_a_token(anonymous_api, therapist):
    assert anonymous_api.get(f"/api/v1/therapists/{therapist.id}/calendar.ics").status_code == 401


def test_a_course_list_runs_the_same_queries_for_1_or_200(
    admin_api, patient, therapist, clinic, make_patient
):

    for n in range(3):
        admin_api.post(
            "/api/v1/courses/",
            bodies.course_body(
                make_patient(clinic, given_name=f"P{n}"), therapist, planned_sessions=2
            ),
            format="json",
        )
    counts = [queries(admin_api, "/api/v1/courses/", {"page_size": n}) for n in (1, 200)]
    assert counts[0] == counts[1]


def test_an_admin_books_a_whole_course_from_the_admin_form(
    admin_site, patient, therapist, monday_10
):
    answer = admin_site.post(
        "/admin/needling/treatmentcourse/add/",
        bodies.admin_course_form(patient, therapist, monday_10),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    course = TreatmentCourse.objects.get()
    assert course.appointments.count() == 4 and course.clinic == patient.clinic
    upcoming = admin_site.get(
        f"/admin/needling/appointment/?when=upcoming&therapist__id__exact={therapist.id}"
    )
    assert upcoming.context["cl"].result_count == 4


def test_the_admin_form_says_so_when_the_course_does_not_fit(
    admin_site, patient, therapist, monday_10
):
    WorkingHours.objects.filter(staff=therapist).delete()
    answer = admin_site.post(
        "/admin/needling/treatmentcourse/add/",
        bodies.admin_course_form(patient, therapist, monday_10),
    )
    assert answer.status_code == 200
    assert "do not fit in the next 12 weeks; nothing was booked." in answer.content.decode()
    assert not TreatmentCourse.objects.exists()


def test_the_rest_of_a_course_is_booked_from_the_first_day_its_least_gap_allows(walked_in):
    """A session logged in the course this afternoon: the rest may begin at the start of the
    day `min_gap_days` later on the clinic's clock, not at this afternoon's hour then."""
    course, started = walked_in
    clock = bodies.CLINIC_CLOCK
    first = min(a.starts_at for a in book_rest_of_course(course)).astimezone(clock)
    expected_day = started.astimezone(clock).date() + timedelta(days=course.min_gap_days)
    assert (first.date(), first.time()) == (expected_day, time(0))
