"""Pure rules of the outcome measures (domain.md "Outcome measures"): what a valid rating is,
what its score is, and whether a course changed it by a clinically important amount."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeGuard

from django.core.exceptions import ValidationError

from outcomes.models import Instrument
from screening.entry_window import entry_time_problem

LOWEST, HIGHEST = 0, 10
MOST_PSFS_ITEMS = 5
# Minimal clinically important differences and the direction that is better:
# NPRS 2 points down (Farrar 2001; Childs 2005), PSFS 2 points up (Stratford 1995).
MCID: dict[str, int] = {Instrument.NPRS: 2, Instrument.PSFS: 2}
BETTER: dict[str, int] = {Instrument.NPRS: -1, Instrument.PSFS: 1}


def _is_rating(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST


def measure_score(instrument: str, score: int | None, items: Sequence[dict[str, Any]]) -> float:
    """The score to store for a rating: NPRS its own 0-10 integer, with no items; PSFS the mean
    of one to five activities rated 0-10 (a score sent with it is refused: it is derived)."""
    if instrument == Instrument.NPRS:
        if items:
            raise ValidationError({"items": "NPRS has no items."})
        if not _is_rating(score):
            raise ValidationError({"score": "NPRS is a whole number from 0 to 10."})
        return float(score)
    if score is not None:
        raise ValidationError({"score": "The PSFS score is the mean of its items; send items."})
    if not 1 <= len(items) <= MOST_PSFS_ITEMS:
        raise ValidationError({"items": "PSFS rates one to five activities."})
    ratings: list[int] = []
    for item in items:
        activity, rating = item.get("activity"), item.get("score")
        named = isinstance(activity, str) and activity.strip()
        if not named or not _is_rating(rating):
            raise ValidationError(
                {"items": "Each PSFS item names an activity and rates it 0 to 10."}
            )
        ratings.append(rating)
    return round(sum(ratings) / len(ratings), 2)


def rerated_activities_problem(
    baseline: Sequence[str], items: Sequence[dict[str, Any]]
) -> str | None:
    """A course's later PSFS re-rates the activities of its first (whatever their order or
    case): a change is only a change of the same activities. None when it does, or is first."""
    if not baseline:
        return None
    named = sorted(str(item.get("activity", "")).strip().lower() for item in items)
    if named == sorted(activity.strip().lower() for activity in baseline):
        return None
    return "Re-rate the course's activities: " + ", ".join(baseline) + "."


class Sitting(Protocol):
    """The session a rating is taken at (a NeedlingSession row has it)."""

    started_at: datetime
    ended_at: datetime | None


def rating_time(
    recorded_at: datetime | None,
    *,
    session: Sitting | None,
    course_opens: datetime | None,
    now: datetime,
) -> datetime:
    """When a rating was taken, or a ValidationError on `recorded_at`.

    domain.md measures "at the first session (baseline) and again at the 4th-5th session", and
    lets patients answer "from their link between sessions"; a course's baseline is its
    earliest rating. So a rating at a session is dated at the session's start, as the staff app
    dates it, or at a moment given within the session; and a rating at no session is taken
    between sessions or after them: not before `course_opens` (the course's first session's
    start, or its creation before it has one), where it would take the place of that session's
    baseline and turn the course's change and MCID. A moment outside these is refused, not
    moved: api.md lets the caller give `recorded_at` (here, when not given: the session's start,
    else now), and a time silently changed would record what nobody said. Any moment stays
    within the entry window of screenings and sessions (not in the future, not more than 7 days
    back), so a session older than that is no longer rated. `course_opens` is asked of a
    rating at no session only (a query the staff app's ratings at a session need not pay).
    """
    moment = recorded_at or (session.started_at if session is not None else now)
    if problem := entry_time_problem(moment, now):
        raise ValidationError({"recorded_at": problem})
    if session is not None:
        ended = session.ended_at
        if moment < session.started_at or (ended is not None and moment > ended):
            raise ValidationError(
                {"recorded_at": "A rating at a session is dated within the session."}
            )
    elif course_opens is not None and moment < course_opens:
        raise ValidationError(
            {
                "recorded_at": "Before the course's first session (or its opening), whose "
                "rating is the baseline: name the session, or date the rating after it."
            }
        )
    return moment


def moved_with_session(
    recorded_at: datetime,
    *,
    moved_by: timedelta,
    started_at: datetime,
    ended_at: datetime | None,
) -> datetime:
    """When a rating taken at a session was taken, once the session's times are corrected:
    moved as its start moved, and still within it (as `rating_time` dates one at a session),
    so the rating of the course's first session stays its baseline wherever that session
    turns out to have been."""
    moment = max(recorded_at + moved_by, started_at)
    return moment if ended_at is None else min(moment, ended_at)


@dataclass(frozen=True)
class Change:
    """A course's first and latest rating on one instrument."""

    baseline: float | None
    latest: float | None
    change: float | None
    mcid: float
    mcid_met: bool
    measures: int


def course_change(instrument: str, scores: Sequence[float]) -> Change:
    """`scores` in the order they were recorded. The change is latest minus baseline; it meets
    the MCID when it moves the better way by at least the MCID."""
    mcid = MCID[instrument]
    if not scores:
        return Change(None, None, None, mcid, False, 0)
    baseline, latest = scores[0], scores[-1]
    change = round(latest - baseline, 2)
    return Change(baseline, latest, change, mcid, change * BETTER[instrument] >= mcid, len(scores))


def mcid_target(change: Change, instrument: str) -> float | None:
    """The score the course must reach to change by a clinically important amount (on the
    0-10 scale); None before a baseline."""
    if change.baseline is None:
        return None
    return min(HIGHEST, max(LOWEST, change.baseline + BETTER[instrument] * change.mcid))
