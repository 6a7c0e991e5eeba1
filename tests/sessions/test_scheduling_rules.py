"""The time rules of booking, as pure functions every edge (API, admin, staff app) shares."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from sessions.scheduling.services import (
    check_appointment_times,
    check_course_shape,
    course_gap_problem,
    course_start,
)
from tests.bodies import course_body

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    "starts_at, ends_at, field",
    [
        (NOW + HOUR, NOW + 2 * HOUR, None),
        (NOW, NOW + 8 * HOUR, None),  # exactly 8 hours, starting now
        (NOW + HOUR, NOW + HOUR, "ends_at"),
        (NOW + HOUR, NOW, "ends_at"),
        (NOW - HOUR, NOW, "starts_at"),
        (NOW + HOUR, NOW + 9 * HOUR + timedelta(seconds=1), "ends_at"),
    ],
)
def test_appointment_times(starts_at, ends_at, field):
    if field is None:
        check_appointment_times(starts_at, ends_at, NOW)
        return
    with pytest.raises(ValidationError) as refusal:
        check_appointment_times(starts_at, ends_at, NOW)
    assert set(refusal.value.message_dict) == {field}


@pytest.mark.parametrize(
    "earliest_start, start",
    [(None, NOW), (NOW - HOUR, NOW), (NOW + HOUR, NOW + HOUR)],
)
def test_a_course_never_starts_in_the_past(earliest_start, start):
    assert course_start(earliest_start, NOW) == start


COURSE = {"planned_sessions": 5, "session_minutes": 45, "min_gap_days": 2, "max_gap_days": 7}


@pytest.mark.parametrize(
    "shape, refused",
    [
        ({}, set()),
        ({"min_gap_days": 3, "max_gap_days": 3}, set()),
        ({"planned_sessions": 1, "session_minutes": 480, "max_gap_days": 60}, set()),
        ({"min_gap_days": 5, "max_gap_days": 4}, {"max_gap_days"}),
        ({"planned_sessions": 0}, {"planned_sessions"}),
        ({"planned_sessions": 13}, {"planned_sessions"}),
        ({"session_minutes": 4}, {"session_minutes"}),
        ({"session_minutes": 481}, {"session_minutes"}),
        ({"min_gap_days": 0}, {"min_gap_days"}),
        ({"min_gap_days": 61, "max_gap_days": 61}, {"min_gap_days", "max_gap_days"}),
        ({"earliest_start": datetime(9999, 12, 30, tzinfo=UTC)}, {"earliest_start"}),
    ],
)
def test_the_shape_of_a_course(shape, refused):
    if not refused:
        check_course_shape(**(COURSE | shape))
        return
    with pytest.raises(ValidationError) as refusal:
        check_course_shape(**(COURSE | shape))
    assert set(refusal.value.message_dict) == refused


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day, refused",
    [
        (date(2026, 12, 9), False),  # two days after the 7th, two before the 11th
        (date(2026, 12, 8), True),  # the day after the 7th
        (date(2026, 12, 10), True),  # the day before the 11th
        (date(2026, 12, 7), True),  # the same day
        (date(2026, 12, 25), False),  # two weeks after: the greatest gap is an aim, not a wall
    ],
)
def test_sessions_of_a_course_keep_its_least_gap(day, refused):
    problem = course_gap_problem(day, [date(2026, 12, 7), date(2026, 12, 11)], min_gap_days=2)
    assert (problem is not None) is refused
    if refused:
        assert "at least 2 days from the course" in problem


def test_the_api_answers_a_9_hour_appointment_on_the_field(book, admin_api, monday_10):
    answer = book(monday_10, minutes=9 * 60)
    assert answer.status_code == 400
    assert answer.json() == {"ends_at": ["An appointment lasts at most 8 hours."]}
    booked = book(monday_10).json()
    moved = admin_api.post(
        f"/api/v1/appointments/{booked['id']}/reschedule/",
        {"starts_at": monday_10.isoformat(), "ends_at": (monday_10 + 9 * HOUR).isoformat()},
        format="json",
    )
    assert moved.status_code == 400
    assert moved.json() == {"ends_at": ["An appointment lasts at most 8 hours."]}


@pytest.mark.django_db
def test_a_course_asked_to_start_in_the_past_is_planned_from_now(admin_api, patient, therapist):
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    asked_at = timezone.now()
    answer = admin_api.post(
        "/api/v1/courses/",
        course_body(patient, therapist, earliest_start="2020-01-01T09:00:00Z", auto_schedule=False),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert parse_datetime(answer.json()["earliest_start"]) >= asked_at
