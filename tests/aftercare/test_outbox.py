"""The outbox: what each event plans, in the event's own transaction, exactly once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare.models import Notification
from tests.bodies import course_body, site

pytestmark = pytest.mark.django_db


def planned(**filters):
    return sorted((n.kind, n.channel, n.status) for n in Notification.objects.filter(**filters))


def test_a_completed_session_plans_immediate_heat_and_check_in(log_session):
    session = log_session(ended_at=timezone.now().isoformat())
    assert planned(session=session["id"]) == [
        ("aftercare_immediate", "sms", "pending"),
        ("checkin_24h", "sms", "pending"),
        ("heat_ok", "sms", "pending"),
    ]


def test_a_new_session_plans_in_one_insert_without_looking_for_earlier_messages(log_session):
    # Logged in this transaction, its patient locked open for care: nothing to cancel, move
    # or hold back; and its clinic (for quiet hours) is the one the session was logged in,
    # which came with the caller's token: never read on its own.
    with CaptureQueriesContext(connection) as captured:
        session = log_session(ended_at=timezone.now().isoformat())
    outbox = [q["sql"] for q in captured if "aftercare_notification" in q["sql"]]
    assert len(outbox) == 1 and outbox[0].startswith("INSERT")
    assert not any('FROM "clinic_clinic"' in q["sql"] for q in captured)
    assert len(planned(session=session["id"])) == 3


def test_a_session_still_running_plans_nothing_until_it_ends(log_session, therapist_api):
    session = log_session(ended_at=None)
    assert planned() == []
    therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/",
        {"ended_at": timezone.now().isoformat()},
        format="json",
    )
    assert len(planned(session=session["id"])) == 3


def test_changing_ended_at_moves_pending_messages_and_plans_nothing_twice(
    log_session, therapist_api
):
    session = log_session()  # ended twenty minutes ago
    later = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/", {"ended_at": later.isoformat()}, format="json"
    )
    immediate = Notification.objects.get(session=session["id"], kind="aftercare_immediate")
    assert (immediate.send_at, immediate.status) == (later, "pending")
    assert Notification.objects.filter(session=session["id"]).count() == 3


def test_deleting_a_draft_cancels_its_messages(log_session, therapist_api):
    session = log_session()
    therapist_api.delete(f"/api/v1/sessions/{session['id']}/")
    assert {n.status for n in Notification.objects.all()} == {"cancelled"}


def test_a_rejected_session_plans_nothing(therapist_api, screen, patient, session_body):
    screen(patient)
    answer = therapist_api.post(
        "/api/v1/sessions/",
        session_body(sites=[site(depth="superficial", depth_mm="11.0")]),
        format="json",
    )
    assert answer.status_code == 400
    assert not Notification.objects.exists()


def test_consent_and_preference_decide_the_channels(log_session, patient):
    patient.preferred_channel, patient.sms_consent = "both", False
    patient.save()
    log_session()
    assert {(c, s) for _, c, s in planned()} == {("sms", "suppressed"), ("email", "pending")}


def test_a_patient_who_wants_no_messages_gets_none(log_session, patient):
    patient.preferred_channel = "none"
    patient.save()
    log_session()
    assert planned() == []


def test_a_booked_appointment_plans_its_reminder_and_cancelling_cancels_it(
    book, monday_10, admin_api
):
    appointment = book(monday_10).json()
    reminder = Notification.objects.get(appointment=appointment["id"])
    assert (reminder.kind, reminder.status) == ("appointment_reminder", "pending")
    admin_api.post(f"/api/v1/appointments/{appointment['id']}/cancel/", {}, format="json")
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"


def test_rescheduling_moves_the_reminder(book, monday_10, admin_api):
    appointment = book(monday_10).json()
    later = monday_10 + timedelta(days=1)
    admin_api.post(
        f"/api/v1/appointments/{appointment['id']}/reschedule/",
        {"starts_at": later.isoformat(), "ends_at": (later + timedelta(minutes=45)).isoformat()},
        format="json",
    )
    reminders = Notification.objects.filter(
        appointment=appointment["id"], kind="appointment_reminder"
    ).order_by("send_at")
    assert [(r.status, r.send_at) for r in reminders] == [
        ("cancelled", monday_10 - timedelta(days=1)),
        ("pending", later - timedelta(days=1)),
    ]


def test_a_course_with_sessions_left_and_none_booked_plans_a_rebook(
    admin_api, log_session, patient, therapist
):
    course = admin_api.post(
        "/api/v1/courses/",
        course_body(patient, therapist, indication="Low back pain", auto_schedule=False),
        format="json",
    ).json()
    log_session(course=course["id"])
    [rebook] = Notification.objects.filter(kind="course_rebook")
    assert rebook.status == "pending"


def test_a_serious_side_effect_alerts_the_treating_therapist_and_every_admin(
    log_session, therapist_api, therapist, admin, clinic, make_therapist
):
    admin.email = "lead@example.org"
    admin.save()
    session = log_session()
    therapist_api.post(
        "/api/v1/side-effects/",
        {"session": session["id"], "kind": "bruising", "severity": "mild"},
        format="json",
    )
    assert not Notification.objects.filter(kind="side_effect_alert").exists()
    therapist_api.post(
        "/api/v1/side-effects/",
        {"session": session["id"], "kind": "pneumothorax", "severity": "moderate"},
        format="json",
    )
    alerts = Notification.objects.filter(kind="side_effect_alert")
    assert {(a.staff, a.channel, a.status) for a in alerts} == {
        (admin, "email", "pending"),
        (therapist, "email", "pending"),  # no address: it fails visibly when sent
    }
    assert all(alert.send_at <= timezone.now() for alert in alerts)


def test_the_api_lists_a_patients_messages_and_cancels_a_pending_one(
    log_session, admin_api, patient, other_admin_api
):
    session = log_session()
    listed = admin_api.get("/api/v1/notifications/", {"session": session["id"]}).json()["results"]
    assert len(listed) == 3
    checkin = next(n for n in listed if n["kind"] == "checkin_24h")
    assert set(checkin) >= {
        "id",
        "patient",
        "session",
        "appointment",
        "kind",
        "channel",
        "send_at",
        "expires_at",
        "status",
        "sent_at",
        "attempts",
        "last_error",
    }
    cancelled = admin_api.post(f"/api/v1/notifications/{checkin['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = admin_api.post(f"/api/v1/notifications/{checkin['id']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert other_admin_api.get("/api/v1/notifications/").json()["results"] == []
    kinds = admin_api.get("/api/v1/notifications/", {"kind": "heat_ok"}).json()["results"]
    assert [n["kind"] for n in kinds] == ["heat_ok"]


def change(admin_api, patient, **fields):
    answer = admin_api.patch(f"/api/v1/patients/{patient.id}/", fields, format="json")
    assert answer.status_code == 200, answer.json()


def test_a_patient_who_now_prefers_email_gets_the_messages_still_to_go_by_email(
    log_session, admin_api, patient
):
    session = log_session(ended_at=timezone.now().isoformat())
    sent = Notification.objects.get(session=session["id"], kind="aftercare_immediate")
    sent.status = "sent"
    sent.save()
    change(admin_api, patient, preferred_channel="email")
    assert planned(session=session["id"]) == [
        ("aftercare_immediate", "sms", "sent"),  # gone already: history, not sent again
        ("checkin_24h", "email", "pending"),
        ("checkin_24h", "sms", "cancelled"),
        ("heat_ok", "email", "pending"),
        ("heat_ok", "sms", "cancelled"),
    ]
    by_email = Notification.objects.get(session=session["id"], kind="checkin_24h", channel="email")
    by_sms = Notification.objects.get(session=session["id"], kind="checkin_24h", channel="sms")
    assert (by_email.send_at, by_email.expires_at) == (by_sms.send_at, by_sms.expires_at)


def test_a_patient_who_now_wants_no_messages_gets_none_of_those_still_to_go(
    book, monday_10, admin_api, patient
):
    book(monday_10)
    change(admin_api, patient, preferred_channel="none")
    assert planned(patient=patient) == [("appointment_reminder", "sms", "cancelled")]


def test_consent_withdrawn_on_one_channel_suppresses_it_there_only(
    book, monday_10, admin_api, patient
):
    patient.preferred_channel = "both"
    patient.save()
    book(monday_10)
    change(admin_api, patient, email_consent=False)
    assert planned(patient=patient) == [
        ("appointment_reminder", "email", "suppressed"),
        ("appointment_reminder", "sms", "pending"),
    ]
    change(admin_api, patient, email_consent=True)  # given again: it goes after all
    assert ("appointment_reminder", "email", "pending") in planned(patient=patient)
