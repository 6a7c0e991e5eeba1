"""The moments the clinic works with: from 1900 to 2999, at every door (API, staff app, admin).

Planning horizons, reminders and wall clocks in far time zones ran off the end of Python's
calendar near the year 9999 (a server error, not an answer), and no clinic books centuries
ahead or records care before 1900.
"""

from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
END = datetime(3000, 1, 1, tzinfo=UTC)  # the first moment after them
OUT_OF_RANGE = "Must be a moment from 1900 to 2999."
DAY_OUT_OF_RANGE = "Must be a day from 1900 to 2999."


def in_range(moment: datetime) -> bool:
    return EARLIEST <= moment < END


def day_in_range(day: date) -> bool:
    return EARLIEST.date() <= day < END.date()


def validate_moment(moment: datetime) -> None:
    """The validator of every form and serializer field taking a moment."""
    if not in_range(moment):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


def validate_day(day: date) -> None:
    if not day_in_range(day):
        raise ValidationError(DAY_OUT_OF_RANGE, code="out_of_range")
