"""When a clinical record may say it happened: the entry window (api.md version 1.1).

Pure and shared: screenings check `performed_at` with it, sessions their start and end, so a
paper record entered late and a device clock a little ahead are judged the same everywhere.
"""

from datetime import datetime, timedelta

CLOCK_SKEW = timedelta(minutes=5)  # a device clock a few minutes ahead is not "the future"
LONGEST_LATE_ENTRY = timedelta(days=7)  # paper records must reach the system within a week


def is_in_the_future(moment: datetime, now: datetime) -> bool:
    return moment > now + CLOCK_SKEW


def is_too_late_to_enter(moment: datetime, now: datetime) -> bool:
    return moment < now - LONGEST_LATE_ENTRY


def entry_time_problem(moment: datetime, now: datetime) -> str | None:
    """Why `moment` cannot be recorded at `now` as when something happened, or None."""
    if is_in_the_future(moment, now):
        return "It is in the future."
    if is_too_late_to_enter(moment, now):
        return f"It is more than {LONGEST_LATE_ENTRY.days} days ago: too late to enter."
    return None
