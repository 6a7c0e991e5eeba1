"""The slot finder, read as the scheduler's rules."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions.slots import Shift, free_slots, plan_course, within_working_hours

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_9_TO_17 = [Shift(day, time(9), time(17)) for day in range(5)]


def local(tz, *parts) -> datetime:
    return datetime(*parts, tzinfo=tz).astimezone(UTC)


def clock(tz, instant) -> str:
    return instant.astimezone(tz).strftime("%a %d %H:%M")


def test_an_empty_day_offers_every_quarter_hour_that_fits():
    monday = free_slots(
        shifts=WEEKDAYS_9_TO_17,
        tz=LONDON,
        busy=[],
        minutes=45,
        window_start=local(LONDON, 2026, 1, 5, 0),
        window_end=local(LONDON, 2026, 1, 6, 0),
    )
    assert clock(LONDON, monday[0][0]) == "Mon 05 09:00"
    assert clock(LONDON, monday[-1][0]) == "Mon 05 16:15"  # ends 17:00 exactly
    assert len(monday) == 30


def test_slots_step_around_an_appointment_half_open():
    busy = [(local(LONDON, 2026, 1, 5, 10), local(LONDON, 2026, 1, 5, 11))]
    starts = [
        clock(LONDON, s)
        for s, _ in free_slots(
            shifts=WEEKDAYS_9_TO_17,
            tz=LONDON,
            busy=busy,
            minutes=60,
            window_start=local(LONDON, 2026, 1, 5, 9),
            window_end=local(LONDON, 2026, 1, 5, 13),
        )
    ]
    assert starts == [
        "Mon 05 09:00",
        "Mon 05 11:00",
        "Mon 05 11:15",
        "Mon 05 11:30",
        "Mon 05 11:45",
        "Mon 05 12:00",
    ]


def test_no_slots_at_the_weekend():
    weekend = free_slots(
        shifts=WEEKDAYS_9_TO_17,
        tz=LONDON,
        busy=[],
        minutes=45,
        window_start=local(LONDON, 2026, 1, 10, 0),
        window_end=local(LONDON, 2026, 1, 12, 0),
    )
    assert weekend == []


def test_split_shifts_and_a_shift_too_short_for_the_session():
    shifts = [
        Shift(0, time(9), time(12)),
        Shift(0, time(13), time(17)),
        Shift(1, time(9), time(9, 30)),
    ]
    slots = free_slots(
        shifts=shifts,
        tz=LONDON,
        busy=[],
        minutes=60,
        window_start=local(LONDON, 2026, 1, 5, 0),
        window_end=local(LONDON, 2026, 1, 7, 0),
    )
    assert "Mon 05 11:15" not in [clock(LONDON, s) for s, _ in slots]  # would run into lunch
    assert "Mon 05 13:00" in [clock(LONDON, s) for s, _ in slots]
    assert all(
        s.astimezone(LONDON).weekday() == 0 for s, _ in slots
    )  # Tuesday's 30 min is too short


def test_a_window_starting_mid_shift_rounds_up_to_the_grid():
    slots = free_slots(
        shifts=WEEKDAYS_9_TO_17,
        tz=LONDON,
        busy=[],
        minutes=45,
        window_start=local(LONDON, 2026, 1, 5, 10, 7),
        window_end=local(LONDON, 2026, 1, 5, 12),
    )
    assert clock(LONDON, slots[0][0]) == "Mon 05 10:15"


@pytest.mark.parametrize(
    "tz, day, utc_hour",
    [
        (LONDON, date(2026, 1, 12), 9),  # GMT
        (LONDON, date(2026, 7, 13), 8),  # BST: 09:00 local is 08:00 UTC
        (NEW_YORK, date(2026, 1, 12), 14),  # EST
        (NEW_YORK, date(2026, 7, 13), 13),  # EDT
    ],
)
def test_working_hours_follow_the_wall_clock_in_winter_and_summer(tz, day, utc_hour):
    slots = free_slots(
        shifts=WEEKDAYS_9_TO_17,
        tz=tz,
        busy=[],
        minutes=45,
        window_start=datetime.combine(day, time(0), tzinfo=tz),
        window_end=datetime.combine(day, time(23), tzinfo=tz),
    )
    assert slots[0][0].hour == utc_hour
    assert slots[0][0].astimezone(tz).time() == time(9)


@pytest.mark.parametrize(
    "tz, before, after",
    [
        (LONDON, date(2026, 3, 27), date(2026, 3, 30)),  # clocks go forward Sun 29 March
        (NEW_YORK, date(2026, 10, 30), date(2026, 11, 2)),
    ],  # clocks go back Sun 1 November
)
def test_the_week_of_the_change_keeps_the_local_opening_time(tz, before, after):
    friday = within_working_hours(
        shifts=WEEKDAYS_9_TO_17,
        tz=tz,
        starts_at=datetime.combine(before, time(9), tzinfo=tz).astimezone(UTC),
        ends_at=datetime.combine(before, time(10), tzinfo=tz).astimezone(UTC),
    )
    monday = within_working_hours(
        shifts=WEEKDAYS_9_TO_17,
        tz=tz,
        starts_at=datetime.combine(after, time(9), tzinfo=tz).astimezone(UTC),
        ends_at=datetime.combine(after, time(10), tzinfo=tz).astimezone(UTC),
    )
    early = within_working_hours(
        shifts=WEEKDAYS_9_TO_17,
        tz=tz,
        starts_at=datetime.combine(after, time(8), tzinfo=tz).astimezone(UTC),
        ends_at=datetime.combine(after, time(9), tzinfo=tz).astimezone(UTC),
    )
    assert friday and monday and not early


def test_a_night_shift_in_the_spring_gap_loses_only_the_missing_hour():
    night = [
        Shift(6, time(1), time(4))
    ]  # Sunday 29 March 2026: 01:00-02:00 does not exist in London
    slots = free_slots(
        shifts=night,
        tz=LONDON,
        busy=[],
        minutes=60,
        window_start=local(LONDON, 2026, 3, 29, 0),
        window_end=local(LONDON, 2026, 3, 30, 0),
    )
    assert slots == []  # the shift's opening time never happens that night


@pytest.mark.parametrize(
    "start, end, inside",
    [
        ((9, 0), (9, 45), True),
        ((16, 15), (17, 0), True),
        ((16, 16), (17, 1), False),
        ((8, 59), (9, 44), False),
        ((11, 30), (13, 30), False),
    ],
)
def test_within_working_hours_edges(start, end, inside):
    shifts = [Shift(0, time(9), time(12)), Shift(0, time(12), time(17))]
    assert (
        within_working_hours(
            shifts=shifts,
            tz=LONDON,
            starts_at=local(LONDON, 2026, 1, 5, *start),
            ends_at=local(LONDON, 2026, 1, 5, *end),
        )
        is inside
    )


def plan(**overrides):
    arguments = dict(
        shifts=WEEKDAYS_9_TO_17,
        tz=LONDON,
        busy=[],
        sessions=5,
        minutes=45,
        earliest_start=local(LONDON, 2026, 1, 5, 8),
        min_gap_days=2,
        max_gap_days=7,
    )
    return plan_course(**{**arguments, **overrides})


def test_a_five_session_course_takes_the_earliest_slots_two_days_apart():
    days = [clock(LONDON, start) for start, _ in plan()]
    assert days == ["Mon 05 09:00", "Wed 07 09:00", "Fri 09 09:00", "Mon 12 09:00", "Wed 14 09:00"]


def test_gaps_are_local_calendar_days_not_24_hour_periods():
    late = [Shift(day, time(22), time(23, 59)) for day in range(7)]
    sessions = plan(
        shifts=late,
        tz=NEW_YORK,
        sessions=3,
        min_gap_days=2,
        max_gap_days=2,
        earliest_start=local(NEW_YORK, 2026, 1, 5, 0),
    )
    assert [s.astimezone(NEW_YORK).date().day for s, _ in sessions] == [5, 7, 9]
    assert [s.date().day for s, _ in sessions] == [6, 8, 10]  # the UTC dates differ


def test_a_full_week_after_the_first_slot_moves_the_whole_course_later():
    # Tuesday 6 to Wednesday 14 fully booked: Monday 5 would leave no second session within 7 days.
    busy = [(local(LONDON, 2026, 1, 6, 0), local(LONDON, 2026, 1, 14, 0))]
    days = [clock(LONDON, start) for start, _ in plan(busy=busy, sessions=2, max_gap_days=3)]
    assert days == ["Wed 14 09:00", "Fri 16 09:00"]


def test_no_plan_within_the_horizon_is_none():
    busy = [(local(LONDON, 2026, 1, 1, 0), local(LONDON, 2026, 3, 20, 0))]
    assert plan(busy=busy) is None


def test_every_session_ends_inside_the_horizon():
    weekly = {"sessions": 12, "min_gap_days": 7, "max_gap_days": 7}
    sessions = plan(**weekly)  # the twelfth Monday is day 77 of an 84-day horizon
    assert clock(LONDON, sessions[-1][0]) == "Mon 23 09:00"
    assert plan(**weekly, horizon=timedelta(days=77)) is None


def test_dense_history_outside_the_window_changes_nothing():
    day = timedelta(days=1)
    history = [
        (local(LONDON, 2024, 1, 1, 9) + n * day, local(LONDON, 2024, 1, 1, 17) + n * day)
        for n in range(730)
    ]
    assert plan(busy=history * 25) == plan()  # 18,250 busy intervals, none in the window


def test_bad_arguments_are_refused():
    for bad in ({"sessions": 0}, {"minutes": 0}, {"min_gap_days": 8}):
        with pytest.raises(ValueError):
            plan(**bad)
