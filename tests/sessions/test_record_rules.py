"""The pure rules of the session record (api.md "Version 1.1"), one table each."""

import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from screening.rules import PlannedSite
from sessions.records.rules import (
    late_entry,
    needle_count_problem,
    needle_expiry_problem,
    superseded_screening,
    time_problem,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    "started_at, ended_at, refused",
    [
        (NOW - HOUR, NOW - 20 * MINUTE, False),  # an ordinary session, entered at once
        (NOW - HOUR, None, False),  # still running
        (NOW + 5 * MINUTE, None, False),  # a watch a little ahead of the server
        (NOW + 6 * MINUTE, None, True),  # starts in the future
        (NOW - HOUR, NOW + 5 * MINUTE, False),
        (NOW - HOUR, NOW + 6 * MINUTE, True),  # ends in the future
        (NOW - 7 * DAY, NOW - 7 * DAY + HOUR, False),  # a week late, just
        (NOW - 7 * DAY - MINUTE, NOW - 7 * DAY + HOUR, True),  # more than a week late
    ],
)
def test_a_session_is_entered_within_a_week_and_never_ahead_of_time(started_at, ended_at, refused):
    assert (time_problem(started_at=started_at, ended_at=ended_at, now=NOW) is not None) is refused


@pytest.mark.parametrize(
    "started_at, ended_at, refused",
    [
        (None, NOW - MINUTE, False),  # a correction of the end of a session entered in time
        (None, NOW + HOUR, True),
        (NOW - 8 * DAY, None, True),  # moving the start back beyond the week
        (None, None, False),  # nothing about time changes
    ],
)
def test_a_correction_is_checked_for_the_times_it_changes(started_at, ended_at, refused):
    assert (time_problem(started_at=started_at, ended_at=ended_at, now=NOW) is not None) is refused


@pytest.mark.parametrize(
    "recorded_after, warned",
    [(MINUTE, False), (24 * HOUR, False), (24 * HOUR + MINUTE, True), (6 * DAY, True)],
)
def test_a_session_entered_more_than_a_day_after_it_started_is_a_late_entry(recorded_after, warned):
    warning = late_entry(NOW, NOW + recorded_after)
    assert (warning is not None) is warned
    if warned:
        assert warning.code == "late_entry" and "hours after" in warning.message


def screening(after, outcome="cleared", regions=(), techniques=(), muscles=()):
    return SimpleNamespace(
        id=uuid.uuid4(),
        performed_at=NOW + after,
        outcome=outcome,
        excluded_regions=[{"region": r, "side": s} for r, s in regions],
        excluded_muscles=list(muscles),
        excluded_techniques=list(techniques),
    )


CALF = PlannedSite("gastrocnemius", "left", "trigger_point")
CALF_ELECTRICAL = PlannedSite("gastrocnemius", "right", "electrical")


@pytest.mark.parametrize(
    "screenings, reason",
    [
        ([], None),
        ([screening(DAY)], None),  # a later screening that clears the patient
        ([screening(-DAY, "not_cleared")], None),  # before the session: it could not know
        ([screening(DAY, "not_cleared")], "did not clear"),
        ([screening(HOUR, regions=[("knee_leg", "any")])], "knee leg"),
        ([screening(HOUR, regions=[("knee_leg", "right")])], "knee leg (right)"),
        ([screening(HOUR, regions=[("thorax", "any")])], None),  # not a region needled
        ([screening(HOUR, techniques=["electrical"])], "electrical technique"),
        ([screening(HOUR, techniques=["superficial"])], None),
    ],
)
def test_a_later_screening_that_would_have_refused_the_session_warns(screenings, reason):
    warning = superseded_screening(NOW, None, [CALF, CALF_ELECTRICAL], screenings)
    if reason is None:
        assert warning is None
    else:
        assert warning.code == "superseded_screening" and reason in warning.message


@pytest.mark.parametrize(
    "entered_late, warned",
    [
        (-HOUR, True),  # after the one checked against, before the session: it rules now
        (-4 * DAY, False),  # before the one checked against: it never ruled
    ],
)
def test_a_screening_entered_after_the_session_but_dated_before_it_warns_if_it_rules_now(
    entered_late, warned
):
    checked = screening(-3 * DAY)
    excluding = screening(entered_late, regions=[("knee_leg", "any")])
    warning = superseded_screening(NOW, checked.id, [CALF], [checked, excluding])
    assert (warning is not None) is warned


@pytest.mark.parametrize(
    "muscles, warned",
    [
        (["iliopsoas"], True),  # as a pregnancy screening excludes it, on both sides
        (["rectus_femoris"], False),  # another muscle of the same region (hip and thigh)
        ([], False),
    ],
)
def test_a_later_screening_that_excludes_a_needled_muscle_by_name_warns(muscles, warned):
    left_iliopsoas = PlannedSite("iliopsoas", "left", "trigger_point")
    # The hip and thigh stay open: only the muscle's name can refuse this site.
    warning = superseded_screening(NOW, None, [left_iliopsoas], [screening(DAY, muscles=muscles)])
    if warned:
        assert warning.code == "superseded_screening"
        assert "muscle iliopsoas" in warning.message
    else:
        assert warning is None


@pytest.mark.parametrize(
    "expiry, session_day, refused",
    [
        (None, date(2026, 6, 15), False),  # not recorded (yet)
        (date(2027, 1, 1), date(2026, 6, 15), False),
        (date(2026, 6, 15), date(2026, 6, 15), False),  # good through the day it expires
        (date(2026, 6, 14), date(2026, 6, 15), True),
    ],
)
def test_needles_past_their_expiry_cannot_be_used(expiry, session_day, refused):
    assert (needle_expiry_problem(expiry, session_day) is not None) is refused


@pytest.mark.parametrize(
    "removed, inserted, refused",
    [(6, 6, False), (5, 6, True), (7, 6, True), (None, 6, True), (0, 0, False)],
)
def test_every_needle_inserted_is_counted_out_before_signing(removed, inserted, refused):
    problem = needle_count_problem(removed, inserted)
    assert (problem is not None) is refused
    if removed is None:
        assert "needles_removed" in problem
