"""When a clinical record may say something happened, relative to when it is entered.

Shared by every record that is entered after the fact (sessions; screenings may use it too):
a record may be entered up to a week late, and may run a few minutes ahead of the server's
clock (a therapist's watch, a slow network), but never describes the future.
"""

from datetime import datetime, timedelta

LONGEST_BACKDATING = timedelta(days=7)
CLOCK_TOLERANCE = timedelta(minutes=5)


def is_in_the_future(
    moment: datetime, now: datetime, tolerance: timedelta = CLOCK_TOLERANCE
) -> bool:
    return moment > now + tolerance


def is_too_long_ago(moment: datetime, now: datetime) -> bool:
    return moment < now - LONGEST_BACKDATING
