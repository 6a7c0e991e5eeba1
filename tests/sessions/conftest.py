"""Scheduling fixtures: future local wall-clock times, whatever day the tests run."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.models import Room


def next_weekday(tz_name: str, weekday: int, clock: time, weeks_ahead: int = 1) -> datetime:
    """The given local wall-clock time on a weekday at least `weeks_ahead` weeks from today."""
    tz = ZoneInfo(tz_name)
    today = datetime.now(tz).date() + timedelta(weeks=weeks_ahead)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def next_dst_change(tz_name: str) -> datetime:
    """The next local midnight after which the zone's UTC offset differs."""
    tz = ZoneInfo(tz_name)
    day = datetime.now(tz).date() + timedelta(days=1)
    offset = datetime.combine(day, time(12), tzinfo=tz).utcoffset()
    while datetime.combine(day, time(12), tzinfo=tz).utcoffset() == offset:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=tz)


@pytest.fixture
def monday_10(clinic):
    return next_weekday(clinic.timezone, 0, time(10))


@pytest.fixture
def room(clinic):
    return Room.objects.create(clinic=clinic, name="Treatment room 1")


@pytest.fixture
def book(admin_api, patient, therapist):
    """POST an appointment of `minutes` at `starts_at`; other fields may be overridden."""

    def book(starts_at, minutes=45, api=None, **fields):
        body = {
            "patient": str(patient.id),
            "therapist": str(therapist.id),
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
            **{
                name: str(value.id) if hasattr(value, "id") else value
                for name, value in fields.items()
            },
        }
        return (api or admin_api).post("/api/v1/appointments/", body, format="json")

    return book
