"""The times an appointment or a course may take (sessions.scheduling.times), which the API and
the staff app both ask."""

from datetime import UTC, datetime, timedelta

import pytest

from sessions.scheduling.times import appointment_times_problem, course_start

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "problem"),
    [
        (NOW + HOUR, NOW + 2 * HOUR, None),
        (NOW, NOW + HOUR, None),
        (NOW + HOUR, NOW + HOUR, ("ends_at", "Must be after starts_at.")),
        (NOW - HOUR, NOW + HOUR, ("starts_at", "Must not be in the past.")),
        (NOW + HOUR, NOW + 9 * HOUR + HOUR, ("ends_at", "An appointment lasts at most 8 hours.")),
        (NOW + HOUR, NOW + 9 * HOUR, None),
    ],
)
def test_an_appointment_starts_now_or_later_and_lasts_up_to_8_hours(starts_at, ends_at, problem):
    assert appointment_times_problem(starts_at, ends_at, NOW) == problem


@pytest.mark.parametrize(
    ("requested", "planned_from"),
    [(None, NOW), (NOW - HOUR, NOW), (NOW + HOUR, NOW + HOUR)],
)
def test_a_course_is_planned_from_now_at_the_earliest(requested, planned_from):
    assert course_start(requested, NOW) == planned_from
