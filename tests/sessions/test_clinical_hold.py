"""Clinical hold (domain.md version 2): a serious side effect stops new bookings, courses and
sessions, and the heat, reminder and rebooking messages, until an admin releases it with a note."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aftercare.models import Notification
from audit.models import AuditEntry
from clinic.holds import archive_patient
from clinic.models import ClinicalHold, Patient
from sessions.models import Appointment, NeedlingSession, SideEffect, TreatmentCourse
from tests import bodies
from tests.bodies import course_body

pytestmark = pytest.mark.django_db


def report(api, session_id, kind="pneumothorax", severity="moderate"):
    body = {"session": session_id, "kind": kind, "severity": severity}
    answer = api.post("/api/v1/side-effects/", body, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def on_hold(patient) -> bool:
    return Patient.objects.get(pk=patient.pk).clinical_hold


@pytest.fixture
def treated(log_session, book, monday_10, admin_api, patient, therapist):
    """A patient with a session (heat advised), a course with its rebooking reminder, and a
    booked appointment with its reminder: every message a hold stops."""
    course = admin_api.post(
        "/api/v1/courses/", course_body(patient, therapist, auto_schedule=False), format="json"
    ).json()
    log_session(course=course["id"])  # plans course_rebook: sessions left, none booked
    session = log_session(heat_advised=True)
    assert book(monday_10).status_code == 201
    return session


def pending_kinds(patient) -> set[str]:
    return set(
        Notification.objects.filter(patient=patient, status="pending").values_list(
            "kind", flat=True
        )
    )


@pytest.mark.parametrize(
    "kind, severity, holds",
    [
        ("bruising", "mild", False),
        ("soreness_after", "moderate", False),
        ("bruising", "severe", True),
        ("pneumothorax", "mild", True),
        ("chest_pain", "mild", True),
        ("breathlessness", "moderate", True),
    ],
)
def test_a_serious_report_and_only_a_serious_one_puts_the_patient_on_hold(
    therapist_api, treated, patient, kind, severity, holds
):
    effect = report(therapist_api, treated["id"], kind, severity)
    assert effect["serious"] is holds
    assert on_hold(patient) is holds
    answer = therapist_api.get(f"/api/v1/patients/{patient.id}/").json()
    assert answer["clinical_hold"] is holds


def test_a_hold_cancels_heat_reminder_and_rebooking_messages_but_not_aftercare(
    therapist_api, treated, patient
):
    assert {"heat_ok", "appointment_reminder", "course_rebook"} <= pending_kinds(patient)
    report(therapist_api, treated["id"], "chest_pain")
    assert pending_kinds(patient) == {"aftercare_immediate", "checkin_24h", "side_effect_alert"}
    cancelled = Notification.objects.filter(patient=patient, status="cancelled")
    assert {"heat_ok", "appointment_reminder", "course_rebook"} <= {n.kind for n in cancelled}
    # Future appointments stay booked: the clinic decides what happens to them.
    assert Appointment.objects.get(patient=patient).status == "booked"


def test_nothing_new_is_booked_logged_or_planned_while_on_hold(
    therapist_api, admin_api, treated, patient, therapist, book, monday_10, session_body
):
    report(therapist_api, treated["id"])
    appointment = Appointment.objects.get(patient=patient)
    tuesday = monday_10 + timedelta(days=1)
    refusals = {
        "booking": book(tuesday),
        "reschedule": admin_api.post(
            f"/api/v1/appointments/{appointment.id}/reschedule/",
            {
                "starts_at": tuesday.isoformat(),
                "ends_at": (tuesday + timedelta(minutes=45)).isoformat(),
            },
            format="json",
        ),
        "course": admin_api.post(
            "/api/v1/courses/",
            {"patient": str(patient.id), "therapist": str(therapist.id), "indication": "Neck"},
            format="json",
        ),
        "session": therapist_api.post("/api/v1/sessions/", session_body(), format="json"),
    }
    for what, answer in refusals.items():
        assert (what, answer.status_code, answer.json()["code"]) == (what, 409, "clinical_hold")
        assert "clinical hold" in answer.json()["detail"]
    assert Appointment.objects.count() == 1 and TreatmentCourse.objects.count() == 1
    assert NeedlingSession.objects.count() == 2
    assert Appointment.objects.get().starts_at == appointment.starts_at


def close_to_care(closed_by: str, therapist_api, log_session, patient) -> None:
    """Put the patient on hold (a serious report on a session of theirs), or archive them."""
    if closed_by == "hold":
        report(therapist_api, log_session()["id"])
    else:
        archive_patient(patient)


@pytest.mark.parametrize("closed_by", ["hold", "archive"])
def test_a_draft_finished_while_on_hold_or_archived_gets_aftercare_but_no_heat_or_rebooking(
    therapist_api, admin_api, log_session, patient, therapist, closed_by
):
    course = admin_api.post(
        "/api/v1/courses/", course_body(patient, therapist, auto_schedule=False), format="json"
    ).json()
    draft = log_session(ended_at=None, heat_advised=True, course=course["id"])
    close_to_care(closed_by, therapist_api, log_session, patient)
    ended = therapist_api.patch(
        f"/api/v1/sessions/{draft['id']}/",
        {"ended_at": (parse_datetime(draft["started_at"]) + timedelta(minutes=30)).isoformat()},
        format="json",
    )
    assert ended.status_code == 200, ended.json()
    kinds = set(Notification.objects.filter(session=draft["id"]).values_list("kind", flat=True))
    assert kinds == {"aftercare_immediate", "checkin_24h"}


@pytest.mark.parametrize("closed_by", ["hold", "archive"])
def test_a_draft_moved_in_time_while_on_hold_or_archived_is_refused_as_a_new_session(
    therapist_api, admin_api, log_session, patient, closed_by
):
    two_days_ago = timezone.now().replace(microsecond=0) - timedelta(days=2)
    draft = log_session(started_at=two_days_ago.isoformat(), ended_at=None)
    close_to_care(closed_by, therapist_api, log_session, patient)
    moved = therapist_api.patch(
        f"/api/v1/sessions/{draft['id']}/",
        {
            "started_at": (timezone.now() - timedelta(minutes=40)).isoformat(),
            "ended_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "sites": [bodies.site(muscle="upper_trapezius", side="right")],
        },
        format="json",
    )
    assert moved.status_code == 409
    assert moved.json()["code"] == {"hold": "clinical_hold", "archive": "invalid_state"}[closed_by]
    assert NeedlingSession.objects.get(pk=draft["id"]).started_at == two_days_ago
    assert not Notification.objects.filter(session=draft["id"]).exists()


@pytest.fixture
def rerate_planned(log_session, admin_api, patient, therapist):
    """A session to report against, and a course booked whole: the day before its 4th
    session, the patient is to be asked to re-rate."""
    session = log_session()
    course = {"patient": str(patient.id), "therapist": str(therapist.id), "indication": "Neck"}
    assert admin_api.post("/api/v1/courses/", course, format="json").status_code == 201
    return session


def release(admin_api, patient) -> None:
    note = {"note": "Chest X-ray clear. Fine to continue."}
    answer = admin_api.post(f"/api/v1/patients/{patient.id}/release-hold/", note, format="json")
    assert answer.status_code == 200, answer.json()


def rerate_statuses(patient) -> list[str]:
    rerates = Notification.objects.filter(patient=patient, kind="outcome_rerate")
    return sorted(rerate.status for rerate in rerates)


def test_a_hold_stops_the_re_rating_asked_before_a_session_until_it_is_released(
    rerate_planned, admin_api, therapist_api, patient
):
    """Sent the day before the 4th session and naming it, the re-rating is a reminder too."""
    assert "outcome_rerate" in pending_kinds(patient)
    report(therapist_api, rerate_planned["id"], "pneumothorax")
    assert "outcome_rerate" not in pending_kinds(patient)
    release(admin_api, patient)
    assert rerate_statuses(patient) == ["cancelled", "pending"]


def test_a_re_rating_sent_before_the_hold_is_not_asked_again_after_it(
    rerate_planned, admin_api, therapist_api, patient
):
    Notification.objects.filter(kind="outcome_rerate").update(status="sent")
    report(therapist_api, rerate_planned["id"], "pneumothorax")
    release(admin_api, patient)
    assert rerate_statuses(patient) == ["sent"]


def test_releasing_the_hold_of_an_archived_patient_reminds_them_of_nothing(
    therapist_api, admin_api, treated, patient
):
    report(therapist_api, treated["id"])
    archive_patient(patient)
    release(admin_api, patient)
    assert Appointment.objects.get(patient=patient).status == "booked"  # archiving left it
    assert pending_kinds(patient) & {"appointment_reminder", "outcome_rerate"} == set()


def test_a_draft_deleted_after_the_archive_books_its_appointment_again_unreminded(
    therapist_api, log_session, book, monday_10, patient
):
    appointment_id = book(monday_10).json()["id"]
    draft = log_session(appointment=appointment_id, ended_at=None)
    archive_patient(patient)
    assert therapist_api.delete(f"/api/v1/sessions/{draft['id']}/").status_code == 204
    assert Appointment.objects.get(pk=appointment_id).status == "booked"
    assert "appointment_reminder" not in pending_kinds(patient)


def test_an_admin_releases_the_hold_with_a_note_and_booking_works_again(
    therapist_api, admin_api, admin, treated, patient, book, monday_10
):
    report(therapist_api, treated["id"], "breathlessness")
    tuesday = monday_10 + timedelta(days=1)
    assert book(tuesday).status_code == 409
    release = admin_api.post(
        f"/api/v1/patients/{patient.id}/release-hold/",
        {"note": "Seen in A&E: no pneumothorax. Fine to continue."},
        format="json",
    )
    assert release.status_code == 200, release.json()
    assert release.json()["clinical_hold"] is False
    # The appointment kept through the hold is reminded again; the new one is booked.
    reminders = Notification.objects.filter(patient=patient, kind="appointment_reminder")
    assert sorted(r.status for r in reminders) == ["cancelled", "pending"]
    assert book(tuesday).status_code == 201
    hold = ClinicalHold.objects.get(patient=patient)
    assert (hold.released_by, hold.release_note) == (
        admin,
        "Seen in A&E: no pneumothorax. Fine to continue.",
    )
    assert hold.released_at and "Breathlessness" in hold.reason and "therapist" in hold.reason
    released_by_admin = AuditEntry.objects.filter(
        object_type="clinical_hold", action="update", actor_id=str(admin.id), patient_id=patient.id
    )
    assert released_by_admin.exists()


@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "   "}])
def test_a_release_needs_a_note(therapist_api, admin_api, treated, patient, body):
    report(therapist_api, treated["id"])
    answer = admin_api.post(f"/api/v1/patients/{patient.id}/release-hold/", body, format="json")
    assert answer.status_code == 400 and "note" in answer.json()
    assert on_hold(patient)


def test_only_an_admin_of_the_clinic_releases_a_hold(
    therapist_api, other_admin_api, treated, patient
):
    report(therapist_api, treated["id"])
    note = {"note": "Fine"}
    path = f"/api/v1/patients/{patient.id}/release-hold/"
    assert therapist_api.post(path, note, format="json").status_code == 403
    assert other_admin_api.post(path, note, format="json").status_code == 404
    assert on_hold(patient)


def test_releasing_a_patient_who_is_not_on_hold_is_409(admin_api, patient):
    answer = admin_api.post(
        f"/api/v1/patients/{patient.id}/release-hold/", {"note": "Fine"}, format="json"
    )
    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"


def test_the_hold_flag_cannot_be_set_or_cleared_through_the_api(
    therapist_api, admin_api, treated, patient
):
    report(therapist_api, treated["id"])
    answer = admin_api.patch(
        f"/api/v1/patients/{patient.id}/", {"clinical_hold": False}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["clinical_hold"] is True
    assert on_hold(patient)


def test_a_second_serious_report_keeps_the_one_hold(therapist_api, treated, patient):
    report(therapist_api, treated["id"], "chest_pain")
    report(therapist_api, treated["id"], "infection")
    [hold] = ClinicalHold.objects.filter(patient=patient)
    assert "Chest pain" in hold.reason and hold.released_at is None


def test_the_admin_course_form_says_the_patient_is_on_hold(
    therapist_api, admin, treated, patient, therapist, monday_10
):
    report(therapist_api, treated["id"])
    client = Client()
    client.force_login(admin)
    answer = client.post(
        "/admin/needling/treatmentcourse/add/",
        bodies.admin_course_form(patient, therapist, monday_10),
    )
    assert answer.status_code == 200
    assert "clinical hold" in answer.content.decode()
    assert TreatmentCourse.objects.count() == 1


def test_a_serious_report_from_the_admin_holds_and_alerts_like_the_api(
    admin_site, treated, patient, therapist, admin
):
    answer = admin_site.post(
        "/admin/needling/sideeffect/add/",
        {"session": treated["id"], "kind": "breathlessness", "severity": "mild", "notes": ""},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    [effect] = SideEffect.objects.filter(kind="breathlessness")
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.get().object_id == str(effect.pk) and effect.serious
    assert on_hold(patient)
    alerts = Notification.objects.filter(kind="side_effect_alert")
    assert {a.staff for a in alerts} == {therapist, admin}
    assert "heat_ok" not in pending_kinds(patient)


def test_an_admin_releases_a_hold_in_the_admin_with_a_note(
    admin_site, therapist_api, admin, treated, patient
):
    report(therapist_api, treated["id"])
    hold = ClinicalHold.objects.get()
    path = f"/admin/clinic/clinicalhold/{hold.id}/change/"
    without_note = admin_site.post(path, {"note": ""})
    assert without_note.status_code == 200 and on_hold(patient)
    assert admin_site.post(path, {"note": "Reviewed: fine."}).status_code == 302
    hold.refresh_from_db()
    assert not on_hold(patient)
    assert (hold.released_by, hold.release_note) == (admin, "Reviewed: fine.")
    assert admin_site.get(path).status_code == 200  # released: read, never changed again
    assert admin_site.post(path, {"note": "Again"}).status_code == 403


def test_the_patient_form_in_the_admin_cannot_lift_a_hold(
    admin_site, therapist_api, treated, patient
):
    report(therapist_api, treated["id"])
    page = admin_site.get(f"/admin/clinic/patient/{patient.id}/change/")
    assert 'name="clinical_hold"' not in page.content.decode()


def test_the_admin_archives_patients_with_the_same_rule(admin_site, treated, patient):
    assert pending_kinds(patient)
    answer = admin_site.post(
        "/admin/clinic/patient/",
        {"action": "archive", "_selected_action": [str(patient.id)]},
    )
    assert answer.status_code == 302
    assert Patient.objects.get(pk=patient.pk).archived_at is not None
    assert pending_kinds(patient) == set()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hold_placed_while_a_booking_is_written_waits_for_it_then_cancels_its_reminder(
    clinic, patient, therapist, monday_10
):
    import threading

    from django.db import connection, transaction

    from clinic import holds
    from sessions import events
    from sessions.scheduling import services

    booking_written, hold_placed = threading.Event(), threading.Event()

    def hold_meanwhile():
        booking_written.wait(10)
        with transaction.atomic():
            holds.place_on_hold(Patient.objects.get(pk=patient.pk), reason="Serious: test.")
        hold_placed.set()
        connection.close()

    def pause(sender, appointment, **kwargs):
        booking_written.set()
        assert not hold_placed.wait(0.5)  # the hold waits for the booking's transaction

    holder = threading.Thread(target=hold_meanwhile)
    holder.start()
    events.appointment_booked.connect(pause, weak=False, dispatch_uid="test-pause")
    try:
        services.book_appointment(
            clinic=clinic,
            patient=patient,
            therapist=therapist,
            starts_at=monday_10,
            ends_at=monday_10 + timedelta(minutes=45),
        )
    finally:
        events.appointment_booked.disconnect(dispatch_uid="test-pause")
    holder.join(10)
    assert hold_placed.is_set() and on_hold(patient)
    assert Notification.objects.get(kind="appointment_reminder").status == "cancelled"
