"""Quiet hours hold at the moment of sending, not only when a message is planned: a clinic that
widens its quiet hours after a reminder was planned does not wake the patient with it."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aftercare import plan
from aftercare.models import Notification
from sessions.models import Appointment

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
QUIET = plan.QuietHours(time(21), time(8))


@pytest.mark.parametrize(
    "kind, local_due, expected",
    [
        # Reminders, check-ins, rebooking and notices wait for the end of quiet hours.
        ("appointment_reminder", datetime(2026, 12, 7, 5, 32), datetime(2026, 12, 7, 8, 0)),
        ("checkin_24h", datetime(2026, 12, 7, 22, 0), datetime(2026, 12, 8, 8, 0)),
        ("course_rebook", datetime(2026, 12, 7, 7, 59), datetime(2026, 12, 7, 8, 0)),
        ("appointment_cancelled", datetime(2026, 12, 7, 23, 0), datetime(2026, 12, 8, 8, 0)),
        ("outcome_rerate", datetime(2026, 12, 7, 21, 0), datetime(2026, 12, 8, 8, 0)),
        ("appointment_reminder", datetime(2026, 12, 7, 20, 59), datetime(2026, 12, 7, 20, 59)),
        # What the plan sends whatever the hour, and alerts to staff, go at once.
        ("aftercare_immediate", datetime(2026, 12, 7, 5, 32), datetime(2026, 12, 7, 5, 32)),
        ("heat_ok", datetime(2026, 12, 7, 23, 30), datetime(2026, 12, 7, 23, 30)),
        ("side_effect_alert", datetime(2026, 12, 7, 3, 0), datetime(2026, 12, 7, 3, 0)),
    ],
)
def test_when_a_message_may_go_at_the_moment_of_sending(kind, local_due, expected):
    moment = local_due.replace(tzinfo=LONDON)
    assert plan.allowed_at(kind, moment, LONDON, QUIET) == expected.replace(tzinfo=LONDON)


def _reminder_due_now(clinic, patient, therapist) -> Notification:
    """A reminder planned yesterday, due now, for an appointment in 24 hours."""
    now = timezone.now()
    appointment = Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        starts_at=now + timedelta(hours=24),
        ends_at=now + timedelta(hours=24, minutes=45),
    )
    return Notification.objects.create(
        clinic=clinic,
        patient=patient,
        appointment=appointment,
        kind="appointment_reminder",
        channel="sms",
        dedupe_key="reminder-due-now",
        send_at=now - timedelta(minutes=1),
        due_at=now - timedelta(minutes=1),
        expires_at=appointment.starts_at,
    )


def _quiet_from_now(clinic, hours: int) -> datetime:
    """Quiet hours that began a minute ago on the clinic's clock; returns when they end."""
    local = timezone.now().astimezone(ZoneInfo(clinic.timezone)).replace(second=0, microsecond=0)
    start, end = local - timedelta(minutes=1), local + timedelta(hours=hours)
    clinic.quiet_hours_start, clinic.quiet_hours_end = start.time(), end.time()
    clinic.save()
    return end


def test_a_reminder_planned_before_quiet_hours_changed_waits_for_them_to_end(
    clinic, patient, therapist, sms_file, send_one
):
    reminder = _reminder_due_now(clinic, patient, therapist)
    end = _quiet_from_now(clinic, hours=2)
    assert send_one(reminder) == "pending"
    assert sms_file() == []
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("pending", 0)  # moving is not a try
    assert reminder.send_at == reminder.due_at == end
    # At the end of the quiet hours it goes.
    clinic.quiet_hours_start = clinic.quiet_hours_end = time(0)
    clinic.save()
    Notification.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    assert send_one(reminder) == "sent"


def test_a_reminder_that_would_only_go_after_its_appointment_expires(
    clinic, patient, therapist, sms_file, send_one
):
    reminder = _reminder_due_now(clinic, patient, therapist)
    _quiet_from_now(clinic, hours=23)
    Notification.objects.filter(pk=reminder.pk).update(
        expires_at=timezone.now() + timedelta(hours=1)
    )
    assert send_one(reminder) == "expired"
    assert sms_file() == []


def test_immediate_aftercare_goes_out_even_in_quiet_hours(clinic, log_session, sms_file, send_one):
    log_session()
    _quiet_from_now(clinic, hours=2)
    immediate = Notification.objects.get(kind="aftercare_immediate")
    assert send_one(immediate) == "sent"
