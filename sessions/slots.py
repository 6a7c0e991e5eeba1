"""The pure slot finder: working hours on the clinic's wall clock, busy time in UTC.

No database and no clock. Working hours are local wall-clock times, so a daylight-saving change
moves their UTC, not their local time. Busy time is a list of half-open [start, end) intervals;
the caller passes only the intervals near the search window, so the cost follows the window.
"""

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, groupby
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Shift:
    """One block of weekly working hours."""

    weekday: int  # Monday=0 .. Sunday=6
    start: time
    end: time


def wall_clock(day: date, clock: time, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time; None where the clock skips it (spring gap)."""
    local = datetime.combine(day, clock, tzinfo=tz)  # fold=0: the first of an ambiguous pair
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


class BusyTime:
    """Answers 'does [start, end) overlap anything busy?' in O(log n)."""

    def __init__(self, intervals: Iterable[Interval]):
        ordered = sorted(intervals)
        self._starts = [start for start, _ in ordered]
        # The latest end among the intervals starting before each position.
        self._latest_end = list(accumulate((end for _, end in ordered), max))

    def overlaps(self, start: datetime, end: datetime) -> bool:
        before_end = bisect_left(self._starts, end)  # intervals that start before `end`
        return before_end > 0 and self._latest_end[before_end - 1] > start


def within_working_hours(
    *, shifts: Sequence[Shift], tz: ZoneInfo, starts_at: datetime, ends_at: datetime
) -> bool:
    """Does [starts_at, ends_at) lie inside one shift of the local day it starts on?"""
    day = starts_at.astimezone(tz).date()
    for shift in shifts:
        if shift.weekday != day.weekday():
            continue
        opens, closes = wall_clock(day, shift.start, tz), wall_clock(day, shift.end, tz)
        if opens and closes and opens <= starts_at and ends_at <= closes:
            return True
    return False


def _candidates(
    shifts: Sequence[Shift],
    tz: ZoneInfo,
    window_start: datetime,
    window_end: datetime,
    minutes: int,
    step_minutes: int,
) -> Iterator[Interval]:
    """Every slot on the shift grid inside the window, in time order."""
    length, step = timedelta(minutes=minutes), timedelta(minutes=step_minutes)
    first_day = window_start.astimezone(tz).date()
    last_day = window_end.astimezone(tz).date()
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        day_slots = []
        for shift in shifts:
            if shift.weekday != day.weekday():
                continue
            opens, closes = wall_clock(day, shift.start, tz), wall_clock(day, shift.end, tz)
            if opens is None or closes is None:
                continue
            if opens < window_start:  # round up to the shift's grid
                opens += -(-(window_start - opens) // step) * step
            start = opens
            while start + length <= min(closes, window_end):
                day_slots.append((start, start + length))
                start += step
        yield from sorted(day_slots)


def free_slots(
    *,
    shifts: Sequence[Shift],
    tz: ZoneInfo,
    busy: Iterable[Interval],
    window_start: datetime,
    window_end: datetime,
    minutes: int,
    step_minutes: int = 15,
) -> list[Interval]:
    """Every free slot of `minutes` on the working-hours grid within [window_start, window_end)."""
    busy_time = busy if isinstance(busy, BusyTime) else BusyTime(busy)
    return [
        slot
        for slot in _candidates(shifts, tz, window_start, window_end, minutes, step_minutes)
        if not busy_time.overlaps(*slot)
    ]


def plan_course(
    *,
    shifts: Sequence[Shift],
    tz: ZoneInfo,
    busy: Iterable[Interval],
    earliest_start: datetime,
    sessions: int,
    minutes: int,
    min_gap_days: int,
    max_gap_days: int,
    horizon: timedelta = timedelta(weeks=12),
    step_minutes: int = 15,
) -> list[Interval] | None:
    """The earliest feasible course: `sessions` free slots, consecutive ones min..max local
    calendar days apart, all within the horizon; None when no such plan exists.

    Only the date of a session constrains the next one, so each day offers its earliest free
    slot, and a depth-first search over days (remembering days that lead nowhere) finds the
    lexicographically earliest plan, moving earlier sessions later when a later one cannot fit.
    """
    if sessions < 1 or minutes <= 0 or not 1 <= min_gap_days <= max_gap_days:
        raise ValueError("need sessions >= 1, minutes > 0 and 1 <= min_gap_days <= max_gap_days")
    slots = free_slots(
        shifts=shifts,
        tz=tz,
        busy=busy,
        window_start=earliest_start,
        window_end=earliest_start + horizon,
        minutes=minutes,
        step_minutes=step_minutes,
    )
    earliest_by_day = {
        day: next(day_slots)
        for day, day_slots in groupby(slots, key=lambda slot: slot[0].astimezone(tz).date())
    }
    dead_ends: set[tuple[int, date]] = set()

    def plan_from(index: int, day: date) -> list[Interval] | None:
        if index == sessions - 1:
            return [earliest_by_day[day]]
        if (index, day) in dead_ends:
            return None
        for gap in range(min_gap_days, max_gap_days + 1):
            next_day = day + timedelta(days=gap)
            if next_day in earliest_by_day:
                rest = plan_from(index + 1, next_day)
                if rest is not None:
                    return [earliest_by_day[day], *rest]
        dead_ends.add((index, day))
        return None

    for day in earliest_by_day:
        plan = plan_from(0, day)
        if plan is not None:
            return plan
    return None
