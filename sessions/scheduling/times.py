"""The times an appointment or a course may take: pure rules, `now` given, asked by the API's
serializers and the staff app alike."""

from datetime import datetime

from sessions.models.scheduling import LONGEST_APPOINTMENT


def appointment_times_problem(
    starts_at: datetime, ends_at: datetime, now: datetime
) -> tuple[str, str] | None:
    """(field, message) of what is wrong with these times, if anything."""
    if ends_at <= starts_at:
        return "ends_at", "Must be after starts_at."
    if starts_at < now:
        return "starts_at", "Must not be in the past."
    if ends_at - starts_at > LONGEST_APPOINTMENT:
        return "ends_at", "An appointment lasts at most 8 hours."
    return None


def course_start(requested: datetime | None, now: datetime) -> datetime:
    """A course cannot start in the past: it is planned from now instead."""
    return max(requested or now, now)
