"""domain.md's aftercare table as the specification of the plan."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftercare.plan import (
    QuietHours,
    Recipient,
    heat_time,
    latest_allowed_minute_before,
    next_allowed_minute,
    plan_course_rebook,
    plan_for_appointment,
    plan_for_session,
)

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
QUIET = QuietHours(time(21), time(8))
SMS_LONDON = Recipient("sms", sms_consent=True, email_consent=True, timezone="Europe/London")


def at(tz, *parts):
    return datetime(*parts, tzinfo=tz).astimezone(UTC)


def session_plan(ended_at, heat=True, recipient=SMS_LONDON, now=None):
    return {
        (m.kind, m.channel): m
        for m in plan_for_session(
            ended_at=ended_at,
            heat_advised=heat,
            recipient=recipient,
            quiet_hours=QUIET,
            now=now or ended_at,
        )
    }


def test_a_session_ending_at_14_05_plans_immediate_heat_and_check_in():
    ended = at(LONDON, 2026, 1, 14, 14, 5)
    plan = session_plan(ended)
    assert set(plan) == {("aftercare_immediate", "sms"), ("heat_ok", "sms"), ("checkin_24h", "sms")}
    immediate, heat, checkin = (
        plan[k, "sms"] for k in ("aftercare_immediate", "heat_ok", "checkin_24h")
    )
    assert (immediate.send_at, immediate.expires_at) == (ended, ended + timedelta(hours=6))
    assert (heat.send_at, heat.expires_at) == (
        ended + timedelta(minutes=30),
        ended + timedelta(minutes=30, hours=3),
    )
    assert (checkin.send_at, checkin.expires_at) == (
        ended + timedelta(hours=24),
        ended + timedelta(hours=96),
    )
    assert {m.status for m in plan.values()} == {"pending"}


def test_no_heat_message_unless_heat_was_advised():
    assert ("heat_ok", "sms") not in session_plan(at(LONDON, 2026, 1, 14, 14), heat=False)


def test_immediate_and_heat_ignore_quiet_hours_but_the_check_in_waits_for_morning():
    ended = at(LONDON, 2026, 1, 14, 21, 30)
    plan = session_plan(ended)
    assert plan["aftercare_immediate", "sms"].send_at == ended
    assert plan["heat_ok", "sms"].send_at == ended + timedelta(minutes=30)
    assert plan["checkin_24h", "sms"].send_at == at(LONDON, 2026, 1, 16, 8, 0)


def test_both_plans_one_of_each_and_none_plans_nothing():
    both = Recipient("both", True, True, "Europe/London")
    assert len(session_plan(at(LONDON, 2026, 1, 14, 14), recipient=both)) == 6
    nobody = Recipient("none", True, True, "Europe/London")
    assert session_plan(at(LONDON, 2026, 1, 14, 14), recipient=nobody) == {}


def test_a_channel_without_consent_is_planned_suppressed():
    no_sms = Recipient("both", sms_consent=False, email_consent=True, timezone="Europe/London")
    plan = session_plan(at(LONDON, 2026, 1, 14, 14), recipient=no_sms)
    assert {m.status for (k, c), m in plan.items() if c == "sms"} == {"suppressed"}
    assert {m.status for (k, c), m in plan.items() if c == "email"} == {"pending"}


def test_logged_31_minutes_late_the_immediate_and_heat_messages_still_go_at_once():
    ended = at(LONDON, 2026, 1, 14, 14)
    plan = session_plan(ended, now=ended + timedelta(minutes=31))
    assert plan["aftercare_immediate", "sms"].status == "pending"
    assert plan["heat_ok", "sms"].status == "pending"


def test_logged_seven_hours_late_the_immediate_and_heat_messages_have_expired():
    ended = at(LONDON, 2026, 1, 14, 10)
    plan = session_plan(ended, now=ended + timedelta(hours=7))
    assert plan["aftercare_immediate", "sms"].status == "expired"
    assert plan["heat_ok", "sms"].status == "expired"
    assert plan["checkin_24h", "sms"].status == "pending"


def test_quiet_hours_are_the_patients_local_night():
    new_yorker = Recipient("sms", True, True, "America/New_York")
    ended = at(LONDON, 2026, 1, 14, 23)  # 18:00 in New York: not quiet there
    plan = session_plan(ended, recipient=new_yorker)
    assert plan["checkin_24h", "sms"].send_at == ended + timedelta(hours=24)


def test_a_reminder_24_hours_ahead_moves_earlier_out_of_quiet_hours():
    visit = at(LONDON, 2026, 1, 15, 7, 30)  # reminder would be 07:30, inside quiet hours
    [reminder] = plan_for_appointment(
        starts_at=visit, recipient=SMS_LONDON, quiet_hours=QUIET, now=visit - timedelta(days=3)
    )
    assert reminder.kind == "appointment_reminder"
    assert reminder.send_at == at(LONDON, 2026, 1, 13, 20, 59)
    assert reminder.expires_at == visit


def test_a_reminder_for_a_visit_booked_tomorrow_morning_goes_now():
    now = at(LONDON, 2026, 1, 14, 16)
    visit = now + timedelta(hours=18)
    [reminder] = plan_for_appointment(
        starts_at=visit, recipient=SMS_LONDON, quiet_hours=QUIET, now=now
    )
    assert reminder.status == "pending" and reminder.send_at < now < reminder.expires_at


def test_a_course_rebook_goes_two_days_after_the_last_session_out_of_quiet_hours():
    last = at(LONDON, 2026, 1, 14, 22)
    [rebook] = plan_course_rebook(
        last_session_ended_at=last, recipient=SMS_LONDON, quiet_hours=QUIET, now=last
    )
    assert rebook.send_at == at(LONDON, 2026, 1, 17, 8)
    assert rebook.expires_at == rebook.send_at + timedelta(days=7)


@pytest.mark.parametrize(
    "tz, moment, expected",
    [
        # London's clocks go back on 25 October 2026: 01:30 happens twice; morning is 08:00 GMT.
        (
            LONDON,
            datetime(2026, 10, 25, 1, 30, tzinfo=LONDON),
            datetime(2026, 10, 25, 8, 0, tzinfo=LONDON),
        ),
        # They go forward on 29 March 2026; 08:00 BST is 07:00 UTC.
        (
            LONDON,
            datetime(2026, 3, 29, 0, 30, tzinfo=LONDON),
            datetime(2026, 3, 29, 8, 0, tzinfo=LONDON),
        ),
        (
            NEW_YORK,
            datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),
            datetime(2026, 11, 1, 8, 0, tzinfo=NEW_YORK),
        ),
        (
            NEW_YORK,
            datetime(2026, 3, 8, 23, 0, tzinfo=NEW_YORK),
            datetime(2026, 3, 9, 8, 0, tzinfo=NEW_YORK),
        ),
    ],
)
def test_the_next_allowed_minute_is_eight_local_across_clock_changes(tz, moment, expected):
    moved = next_allowed_minute(moment.astimezone(UTC), tz, QUIET)
    assert moved == expected.astimezone(UTC)
    assert moved.astimezone(tz).time() == time(8)


def test_the_latest_allowed_minute_before_quiet_hours_is_20_59():
    moment = datetime(2026, 3, 29, 2, 30, tzinfo=UTC)  # 03:30 BST, the night of the change
    moved = latest_allowed_minute_before(moment, LONDON, QUIET)
    assert moved.astimezone(LONDON) == datetime(2026, 3, 28, 20, 59, tzinfo=LONDON)


def test_a_daytime_quiet_window_and_an_empty_one():
    lunch = QuietHours(time(12), time(14))
    assert next_allowed_minute(at(LONDON, 2026, 1, 14, 13), LONDON, lunch) == at(
        LONDON, 2026, 1, 14, 14
    )
    never = QuietHours(time(9), time(9))
    assert next_allowed_minute(at(LONDON, 2026, 1, 14, 9), LONDON, never) == at(
        LONDON, 2026, 1, 14, 9
    )


def test_heat_is_fine_thirty_minutes_after_needling_in_one_place():
    ended = at(LONDON, 2026, 3, 10, 14, 5)
    assert heat_time(ended) == ended + timedelta(minutes=30)
    assert session_plan(ended)[("heat_ok", "sms")].send_at == heat_time(ended)
