"""Pure rules of the outcome measures (domain.md "Outcome measures"): what a valid rating is,
what its score is, and whether a course changed it by a clinically important amount."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.core.exceptions import ValidationError

from outcomes.models import Instrument

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
