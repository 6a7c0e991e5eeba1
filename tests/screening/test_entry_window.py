"""The entry window (api.md 1.1): when a record may say it happened, judged at `now`."""

from datetime import UTC, datetime, timedelta

import pytest

from screening.entry_window import entry_time_problem, is_in_the_future, is_too_late_to_enter

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

# (moment relative to now, in the future?, too late to enter?)
MOMENTS = [
    (timedelta(0), False, False),
    (timedelta(minutes=5), False, False),  # a device clock a little ahead
    (timedelta(minutes=5, seconds=1), True, False),
    (timedelta(days=1), True, False),
    (-timedelta(days=3), False, False),  # a paper screening entered later
    (-timedelta(days=7), False, False),
    (-timedelta(days=7, seconds=1), False, True),
    (-timedelta(days=30), False, True),
]


@pytest.mark.parametrize("offset, future, too_late", MOMENTS)
def test_the_entry_window(offset, future, too_late):
    moment = NOW + offset
    assert is_in_the_future(moment, NOW) is future
    assert is_too_late_to_enter(moment, NOW) is too_late
    assert (entry_time_problem(moment, NOW) is None) is not (future or too_late)


def test_the_problem_is_said_in_words():
    assert "future" in entry_time_problem(NOW + timedelta(hours=1), NOW)
    assert "7 days" in entry_time_problem(NOW - timedelta(days=8), NOW)
