"""The pure rules of outcome measures: a rating's score and time, and a course's change against
the MCID."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from outcomes.rules import (
    Change,
    course_change,
    mcid_target,
    measure_score,
    rating_time,
    rerated_activities_problem,
)


def psfs(*scores):
    return [{"activity": f"activity {n}", "score": s} for n, s in enumerate(scores)]


@pytest.mark.parametrize(
    ("instrument", "score", "items", "expected"),
    [
        ("nprs", 0, [], 0.0),
        ("nprs", 7, [], 7.0),
        ("nprs", 10, [], 10.0),
        ("psfs", None, psfs(4), 4.0),
        ("psfs", None, psfs(3, 4), 3.5),
        ("psfs", None, psfs(2, 3, 3), 2.67),
        ("psfs", None, psfs(0, 10, 5, 5, 6), 5.2),
    ],
)
def test_a_rating_scores_as_the_instrument_says(instrument, score, items, expected):
    assert measure_score(instrument, score, items) == expected


@pytest.mark.parametrize(
    ("instrument", "score", "items", "field"),
    [
        ("nprs", 11, [], "score"),
        ("nprs", -1, [], "score"),
        ("nprs", None, [], "score"),
        ("nprs", True, [], "score"),
        ("nprs", 5, psfs(5), "items"),
        ("psfs", None, [], "items"),
        ("psfs", None, psfs(1, 2, 3, 4, 5, 6), "items"),
        ("psfs", None, psfs(11), "items"),
        ("psfs", None, [{"activity": "  ", "score": 4}], "items"),
        ("psfs", None, [{"activity": 3, "score": 4}], "items"),
        ("psfs", 6, psfs(6), "score"),
    ],
)
def test_an_invalid_rating_names_its_field(instrument, score, items, field):
    with pytest.raises(ValidationError) as refused:
        measure_score(instrument, score, items)
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    ("instrument", "scores", "baseline", "latest", "change", "met"),
    [
        ("nprs", [], None, None, None, False),
        ("nprs", [7], 7, 7, 0, False),
        ("nprs", [7, 6], 7, 6, -1, False),
        ("nprs", [7, 6, 5], 7, 5, -2, True),  # a fall of exactly 2 points is important
        ("nprs", [5, 8], 5, 8, 3, False),  # worse, however far
        ("psfs", [3.0, 4.99], 3.0, 4.99, 1.99, False),
        ("psfs", [3.0, 5.0], 3.0, 5.0, 2.0, True),
        ("psfs", [6.5, 3.0], 6.5, 3.0, -3.5, False),
    ],
)
def test_a_course_meets_the_mcid_only_the_better_way(
    instrument, scores, baseline, latest, change, met
):
    summary = course_change(instrument, scores)
    assert (summary.baseline, summary.latest, summary.change) == (baseline, latest, change)
    assert summary.mcid == 2
    assert summary.mcid_met is met
    assert summary.measures == len(scores)


@pytest.mark.parametrize(
    ("instrument", "baseline", "line"),
    [
        ("psfs", 3.0, 5.0),  # function must rise by 2
        ("nprs", 7.0, 5.0),  # pain must fall by 2
        ("psfs", 9.5, 10),  # never off the 0-10 scale
        ("nprs", 1.0, 0),
        ("psfs", None, None),  # nothing rated yet: no line
    ],
)
def test_the_mcid_target_is_the_baseline_moved_the_better_way(instrument, baseline, line):
    change = Change(baseline, baseline, 0 if baseline is not None else None, 2, False, 1)
    assert mcid_target(change, instrument) == line


@pytest.mark.parametrize(
    ("baseline", "activities", "refused"),
    [
        ([], ["Knitting"], False),  # the first PSFS of the course names its own
        (["Walking", "Stairs"], ["Stairs", "walking "], False),
        (["Walking", "Stairs"], ["Walking"], True),  # every one or none
        (["Walking", "Stairs"], ["Walking", "Stairs", "Knitting"], True),
        (["Walking"], ["Knitting"], True),
    ],
)
def test_a_later_psfs_re_rates_the_baseline_activities(baseline, activities, refused):
    items = [{"activity": activity, "score": 5} for activity in activities]
    assert (rerated_activities_problem(baseline, items) is not None) is refused


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FIRST_STARTED = NOW - timedelta(days=3)
FIRST_SESSION = SimpleNamespace(
    started_at=FIRST_STARTED, ended_at=FIRST_STARTED + timedelta(minutes=45)
)
GOING_ON = SimpleNamespace(started_at=NOW - timedelta(minutes=20), ended_at=None)

# (recorded_at given, at which session, dated at; None: refused by recorded_at)
RATING_TIMES = [
    (None, FIRST_SESSION, FIRST_STARTED),  # at a session: at its start
    (FIRST_STARTED + timedelta(minutes=30), FIRST_SESSION, FIRST_STARTED + timedelta(minutes=30)),
    (FIRST_STARTED - timedelta(minutes=1), FIRST_SESSION, None),  # before it began
    (NOW - timedelta(days=2), FIRST_SESSION, None),  # after it ended
    (NOW - timedelta(minutes=1), GOING_ON, NOW - timedelta(minutes=1)),
    (None, None, NOW),  # between sessions: now
    (NOW - timedelta(days=1), None, NOW - timedelta(days=1)),
    (FIRST_STARTED, None, FIRST_STARTED),
    (FIRST_STARTED - timedelta(days=1), None, None),  # before the first session
    (NOW - timedelta(days=8), FIRST_SESSION, None),  # out of the entry window
    (NOW + timedelta(hours=1), None, None),
]


@pytest.mark.parametrize(("recorded_at", "session", "dated"), RATING_TIMES)
def test_a_rating_is_dated_at_its_session_or_after_the_courses_first(recorded_at, session, dated):
    """domain.md: the baseline is measured at the first session, and patients answer between
    sessions; a rating dated before the first session would become the baseline instead."""
    time = {"session": session, "course_opens": FIRST_SESSION.started_at, "now": NOW}
    if dated is None:
        with pytest.raises(ValidationError) as refused:
            rating_time(recorded_at, **time)
        assert list(refused.value.message_dict) == ["recorded_at"]
    else:
        assert rating_time(recorded_at, **time) == dated
