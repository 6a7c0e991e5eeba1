"""Cancelling or moving a booked appointment tells the patient, on their channel, exactly once,
unless the appointment is already past."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aftercare import delivery, plan
from aftercare.models import Notification
from sessions.models import Appointment

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
QUIET = plan.QuietHours(time(21), time(8))
SMS_ONLY = plan.Recipient("sms", True, False, "Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    "now, starts_at, recipient, expected",
    [
        # Told at once, and not after the appointment's time.
        (at(7, 10), at(9, 10), SMS_ONLY, [("sms", at(7, 10), at(9, 10), "pending")]),
        # Cancelled at night: told when quiet hours end.
        (at(7, 22), at(9, 10), SMS_ONLY, [("sms", at(8, 8), at(9, 10), "pending")]),
        # Quiet hours last past the appointment: too late, on record as expired.
        (at(7, 22), at(8, 7, 30), SMS_ONLY, [("sms", at(7, 22), at(8, 7, 30), "expired")]),
        # The past is not told anything.
        (at(7, 10), at(7, 9), SMS_ONLY, []),
        # Both channels; one without consent is suppressed.
        (
            at(7, 10),
            at(9, 10),
            plan.Recipient("both", False, True, "Europe/London"),
            [
                ("sms", at(7, 10), at(9, 10), "suppressed"),
                ("email", at(7, 10), at(9, 10), "pending"),
            ],
        ),
        (at(7, 10), at(9, 10), plan.Recipient("none", True, True, "Europe/London"), []),
    ],
)
def test_when_a_notice_goes(now, starts_at, recipient, expected):
    planned = plan.plan_notice(
        kind="appointment_cancelled",
        starts_at=starts_at,
        recipient=recipient,
        quiet_hours=QUIET,
        now=now,
    )
    assert [(m.channel, m.send_at, m.expires_at, m.status) for m in planned] == expected


def notices(**filters):
    return sorted(
        (n.kind, n.channel, n.status)
        for n in Notification.objects.filter(
            kind__in=["appointment_cancelled", "appointment_rescheduled"], **filters
        )
    )


def test_cancelling_a_booked_appointment_tells_the_patient_once(book, monday_10, admin_api):
    appointment = book(monday_10).json()
    cancel = f"/api/v1/appointments/{appointment['id']}/cancel/"
    assert admin_api.post(cancel, {}, format="json").status_code == 200
    assert admin_api.post(cancel, {}, format="json").status_code == 409
    assert notices(appointment=appointment["id"]) == [("appointment_cancelled", "sms", "pending")]


def test_a_patient_who_prefers_both_is_told_on_both(book, monday_10, admin_api, patient):
    patient.preferred_channel = "both"
    patient.save()
    appointment = book(monday_10).json()
    admin_api.post(f"/api/v1/appointments/{appointment['id']}/cancel/", {}, format="json")
    assert notices() == [
        ("appointment_cancelled", "email", "pending"),
        ("appointment_cancelled", "sms", "pending"),
    ]


def test_a_patient_is_told_the_therapists_name_or_the_clinics_never_their_username(
    book, monday_10, admin_api, clinic, therapist, sms_file, send_one
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    therapist.full_name = ""  # the API takes a therapist without one
    therapist.save()
    appointment = book(monday_10).json()
    admin_api.post(f"/api/v1/appointments/{appointment['id']}/cancel/", {}, format="json")
    send_one(Notification.objects.get(kind="appointment_cancelled"))
    [sms] = sms_file()
    assert f"with {therapist.clinic.name}" in sms["body"]
    assert therapist.username not in sms["body"]


def test_a_no_show_is_told_nothing(book, monday_10, admin_api, begin):
    appointment = book(monday_10).json()
    begin(appointment["id"])
    admin_api.post(f"/api/v1/appointments/{appointment['id']}/no-show/", {}, format="json")
    assert Appointment.objects.get(pk=appointment["id"]).status == "no_show"
    assert notices() == []


def test_an_appointment_already_past_is_cancelled_without_a_notice(
    admin_api, clinic, patient, therapist
):
    began = timezone.now() - timedelta(hours=2)
    past = Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        starts_at=began,
        ends_at=began + timedelta(minutes=45),
    )
    answer = admin_api.post(f"/api/v1/appointments/{past.pk}/cancel/", {}, format="json")
    assert answer.status_code == 200
    assert notices() == []


def reschedule(api, appointment_id, starts_at, minutes=45):
    return api.post(
        f"/api/v1/appointments/{appointment_id}/reschedule/",
        {
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
        },
        format="json",
    )


def reminders(appointment_id):
    rows = Notification.objects.filter(appointment=appointment_id, kind="appointment_reminder")
    return sorted((n.send_at, n.status) for n in rows)


def test_moving_an_appointment_tells_the_patient_of_the_latest_time_only(
    book, monday_10, admin_api
):
    appointment = book(monday_10).json()
    assert (
        reschedule(admin_api, appointment["id"], monday_10 + timedelta(days=1)).status_code == 200
    )
    assert (
        reschedule(admin_api, appointment["id"], monday_10 + timedelta(days=2)).status_code == 200
    )
    rows = Notification.objects.filter(kind="appointment_rescheduled").order_by("created_at")
    assert [(n.status, n.expires_at) for n in rows] == [
        ("cancelled", monday_10 + timedelta(days=1)),  # told of Tuesday: no longer true
        ("pending", monday_10 + timedelta(days=2)),
    ]


def test_an_appointment_moved_away_and_back_is_told_and_reminded_of_each_new_time(
    book, monday_10, admin_api
):
    appointment = book(monday_10).json()
    tuesday = monday_10 + timedelta(days=1)
    for moved_to in (tuesday, monday_10, tuesday):
        assert reschedule(admin_api, appointment["id"], moved_to).status_code == 200
    rows = Notification.objects.filter(kind="appointment_rescheduled").order_by("created_at")
    assert [n.status for n in rows] == ["cancelled", "cancelled", "pending"]  # the last: Tuesday
    assert reminders(appointment["id"]) == [
        (monday_10 - timedelta(days=1), "cancelled"),
        (tuesday - timedelta(days=1), "pending"),
    ]


def test_an_appointment_only_lengthened_keeps_its_reminder_and_tells_nothing(
    book, monday_10, admin_api
):
    appointment = book(monday_10).json()
    assert reschedule(admin_api, appointment["id"], monday_10, minutes=60).status_code == 200
    assert reminders(appointment["id"]) == [(monday_10 - timedelta(days=1), "pending")]
    assert notices() == []


def test_cancelling_after_a_move_cancels_the_untold_move(book, monday_10, admin_api):
    appointment = book(monday_10).json()
    reschedule(admin_api, appointment["id"], monday_10 + timedelta(days=1))
    admin_api.post(f"/api/v1/appointments/{appointment['id']}/cancel/", {}, format="json")
    assert notices() == [
        ("appointment_cancelled", "sms", "pending"),
        ("appointment_rescheduled", "sms", "cancelled"),
    ]


def test_a_refused_move_tells_nothing(book, monday_10, admin_api):
    appointment = book(monday_10).json()
    answer = reschedule(admin_api, appointment["id"], monday_10 - timedelta(days=30))
    assert answer.status_code == 400
    assert notices() == []


def test_the_notice_names_the_time_and_the_therapist_in_the_patients_words(
    book, monday_10, admin_api, clinic, patient, sms_file
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    patient.language = "es"
    patient.save()
    appointment = book(monday_10).json()
    moved = monday_10 + timedelta(days=1)
    reschedule(admin_api, appointment["id"], moved)
    delivery.sweep(lambda ids, eta: delivery.send(ids))
    [notice] = [m["body"] for m in sms_file() if "ha cambiado" in m["body"]]
    assert notice.startswith("Northside Physio: su cita con North Therapist ha cambiado al martes")
    assert moved.astimezone(LONDON).strftime("%H:%M") in notice


def test_a_replayed_event_plans_its_notice_once(book, monday_10, admin_api):
    from sessions import events

    appointment_id = book(monday_10).json()["id"]
    reschedule(admin_api, appointment_id, monday_10 + timedelta(days=1))
    appointment = Appointment.objects.get(pk=appointment_id)
    events.appointment_rescheduled.send(
        sender=Appointment, appointment=appointment, previous_starts_at=monday_10
    )
    assert notices() == [("appointment_rescheduled", "sms", "pending")]


def test_a_clinics_own_spanish_notice_is_used_for_a_spanish_patient(
    book, monday_10, admin_api, clinic, patient, sms_file
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    patient.language = "es"
    patient.save()
    own = {"subject": "Cita cancelada", "body": "{{ clinic }}: anulada su cita ({{ therapist }})."}
    answer = admin_api.put("/api/v1/message-texts/es/appointment_cancelled/", own, format="json")
    assert answer.status_code == 200 and answer.json()["placeholders"] == [
        "clinic",
        "given_name",
        "appointment_time",
        "therapist",
    ]
    appointment = book(monday_10).json()
    admin_api.post(f"/api/v1/appointments/{appointment['id']}/cancel/", {}, format="json")
    delivery.sweep(lambda ids, eta: delivery.send(ids))
    assert [m["body"] for m in sms_file()] == [
        "Northside Physio: anulada su cita (North Therapist)."
    ]
