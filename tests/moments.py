"""Moments the tests plan with, whatever day and hour they run (plain helpers)."""

from datetime import UTC, datetime, time, timedelta
from time import sleep
from zoneinfo import ZoneInfo

from django.utils import timezone

from tests.bodies import CLINIC_CLOCK

# Working every hour of every day, so a test may book at whatever time it runs: to the day's
# last second, as no shift runs past midnight (`until_the_day_ends` cuts a booking there).
DAY_ENDS = time(23, 59, 59)
ALL_DAY = [{"weekday": day, "start": time(0), "end": DAY_ENDS} for day in range(7)]


def until_the_day_ends(starts_at: datetime, length: timedelta) -> datetime:
    """The end of a booking of `length` from `starts_at`, or of the clinic's day if sooner: run
    in the day's last half hour, a test books what is left of it."""
    day = timezone.localtime(starts_at, CLINIC_CLOCK).date()
    return min(starts_at + length, datetime.combine(day, DAY_ENDS, tzinfo=CLINIC_CLOCK))


def next_weekday(tz_name: str, weekday: int, clock: time, weeks_ahead: int = 1) -> datetime:
    """The given local wall-clock time on a weekday at least `weeks_ahead` weeks from today."""
    tz = ZoneInfo(tz_name)
    today = datetime.now(tz).date() + timedelta(weeks=weeks_ahead)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def next_dst_change(tz_name: str, days_ahead: int = 1) -> datetime:
    """The local midnight that begins the day of the zone's first clock change after noon on
    the day `days_ahead` days from today (so at least `days_ahead` + 1 days on)."""
    tz = ZoneInfo(tz_name)
    day = datetime.now(tz).date() + timedelta(days=days_ahead)
    offset = datetime.combine(day, time(12), tzinfo=tz).utcoffset()
    while datetime.combine(day, time(12), tzinfo=tz).utcoffset() == offset:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=tz)


def days_later(moment: datetime, days: int) -> datetime:
    """The same time on the clinic's wall clock `days` later, a clock change between included
    (in UTC it would move by the hour the clocks went)."""
    return timezone.localtime(moment, CLINIC_CLOCK) + timedelta(days=days)


def today_at(hour: int, minute: int = 0):
    """A moment of today on the clinic's wall clock (Europe/London)."""
    local = timezone.localtime(timezone.now(), CLINIC_CLOCK)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def tomorrow_at(hour: int) -> datetime:
    """A moment of tomorrow on the clinic's wall clock."""
    return days_later(today_at(hour), 1)


# Longer than any test takes from "about now" to its last read of "today".
NEAR_MIDNIGHT = timedelta(minutes=5)


def about_now():
    """A minute from now: still bookable (never in the past), and a session may be logged as
    starting then (within the few minutes a clock may run ahead). A test that reads "today"
    after it (the Today page) must find it there: in the day's last few minutes on the clinic's
    clock, it waits for the next day to begin first."""
    now = timezone.now()
    until_midnight = _next_midnight(now) - now
    if until_midnight < NEAR_MIDNIGHT:
        sleep(until_midnight.total_seconds() + 1)
        now = timezone.now()
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _next_midnight(moment: datetime) -> datetime:
    day = timezone.localtime(moment, CLINIC_CLOCK).date() + timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=CLINIC_CLOCK)
