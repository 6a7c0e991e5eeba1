"""Two-way SMS: what a patient's reply does, as the clinic sees it through the API."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftercare import delivery, inbound, selectors
from aftercare.models import InboundSms, Notification
from clinic.holds import archive_patient
from clinic.models import ClinicalHold, Patient
from screening.services import record_screening
from sessions.models import Appointment, SideEffect
from tests import bodies
from tests.accounts import api_client
from tests.aftercare.fake_twilio import inbound_sms, webhook
from tests.aftercare.outbox_rows import run_due
from tests.moments import next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def text(twilio_signs):
    """The patient texts `body` from `phone`, through the signed provider webhook."""
    return inbound_sms


def inbox(api, **filters) -> list[dict]:
    answer = api.get("/api/v1/inbound-sms/", filters)
    assert answer.status_code == 200
    return answer.json()["results"]


def answers(kind) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind))


def test_c_confirms_the_next_booked_appointment(text, book, monday_10, patient, admin_api):
    later = book(monday_10 + timedelta(days=1)).json()
    first = book(monday_10).json()
    text(patient.phone, "c")
    shown = admin_api.get(f"/api/v1/appointments/{first['id']}/").json()
    assert shown["confirmed_at"] is not None
    assert admin_api.get(f"/api/v1/appointments/{later['id']}/").json()["confirmed_at"] is None
    [message] = inbox(admin_api)
    assert (message["action"], message["appointment"]) == ("confirmed", first["id"])
    [confirmation] = answers("appointment_confirmed")
    assert (confirmation.channel, confirmation.patient_id) == ("sms", patient.id)


def test_x_cancels_frees_the_slot_and_tells_the_clinics_admins(
    text, book, monday_10, patient, admin, admin_api
):
    booked = book(monday_10).json()
    text(patient.phone, "CANCEL")
    shown = admin_api.get(f"/api/v1/appointments/{booked['id']}/").json()
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "patient_sms")
    [notice] = answers("patient_cancelled")
    assert (notice.staff_id, notice.channel, str(notice.appointment_id)) == (
        admin.id,
        "email",
        shown["id"],
    )
    assert inbox(admin_api)[0]["action"] == "cancelled"


def test_a_reply_with_nothing_booked_is_kept_for_staff(text, patient, admin_api):
    text(patient.phone, "C")
    [message] = inbox(admin_api)
    assert message["action"] == "kept" and "No appointment booked" in message["detail"]


def sent_checkin(log_session, hours_ago=2):
    session = log_session()
    checkin = Notification.objects.get(kind="checkin_24h", session=session["id"])
    checkin.status, checkin.sent_at = "sent", timezone.now() - timedelta(hours=hours_ago)
    checkin.save()
    return session


def logged_elsewhere(patient, therapist):
    """A session of another clinic's patient by its own therapist, as `log_session` logs ours."""
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={},
        performed_at=timezone.now() - timedelta(days=3),
    )
    body = bodies.session_body(str(patient.id))
    answer = api_client(therapist).post("/api/v1/sessions/", body, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


@pytest.mark.parametrize(
    ("score", "severity", "serious"),
    [("2", "mild", False), ("5", "moderate", False), ("8", "severe", True)],
)
def test_a_score_after_the_check_in_records_soreness(
    text, log_session, patient, admin_api, score, severity, serious
):
    session = sent_checkin(log_session)
    text(patient.phone, score)
    [effect] = SideEffect.objects.all()
    assert (str(effect.session_id), effect.kind, effect.severity, effect.reported_by) == (
        session["id"],
        "soreness_after",
        severity,
        "patient",
    )
    patient.refresh_from_db()
    assert (effect.serious, patient.clinical_hold) == (serious, serious)
    assert len(answers("side_effect_alert")) == (2 if serious else 0)  # therapist and admin
    assert inbox(admin_api)[0]["action"] == "soreness"


def test_zero_records_nothing_and_a_score_long_after_the_check_in_is_kept(
    text, log_session, patient, admin_api
):
    sent_checkin(log_session)
    text(patient.phone, "0")
    assert not SideEffect.objects.exists()
    Notification.objects.filter(kind="checkin_24h").update(
        sent_at=timezone.now() - timedelta(hours=73)
    )
    text(patient.phone, "6")
    assert not SideEffect.objects.exists()
    assert [m["action"] for m in inbox(admin_api)] == ["kept", "soreness"]


@pytest.mark.parametrize(
    ("words", "kind"),
    [("my chest hurts a lot", "chest_pain"), ("no puedo respirar", "breathlessness")],
)
def test_red_flag_words_alert_at_once_and_advise_urgent_care_even_in_quiet_hours(
    text, log_session, patient, clinic, words, kind
):
    log_session()
    # Quiet hours that began a minute ago on the patient's clock, where they are read.
    local = timezone.now().astimezone(ZoneInfo(patient.timezone)).replace(microsecond=0)
    clinic.quiet_hours_start = (local - timedelta(minutes=1)).time()
    clinic.quiet_hours_end = (local + timedelta(hours=1)).time()
    clinic.save()
    before = timezone.now()
    text(patient.phone, words)
    [effect] = SideEffect.objects.all()
    assert (effect.kind, effect.serious, effect.reported_by) == (kind, True, "patient")
    patient.refresh_from_db()
    assert patient.clinical_hold
    assert len(answers("side_effect_alert")) == 2
    [advice] = answers("urgent_care")
    assert advice.send_at - before < timedelta(seconds=5)


def test_red_flag_words_with_no_session_to_report_against_hold_and_alert_the_administrators(
    text, patient, admin, mailoutbox
):
    admin.email = "lead@example.org"
    admin.save()
    text(patient.phone, "I can't breathe properly")
    assert not SideEffect.objects.exists()  # no ended session to report it against
    patient.refresh_from_db()
    assert patient.clinical_hold  # nothing books them back in before someone has called
    [hold] = ClinicalHold.objects.filter(patient=patient)
    assert hold.reason == "Red-flag words by SMS: I can't breathe properly"
    [alert] = answers("red_flag_alert")
    assert (alert.staff, alert.patient, alert.channel) == (admin, patient, "email")
    assert len(answers("urgent_care")) == 1  # the patient is still told what to do
    [message] = InboundSms.objects.all()
    assert (message.action, message.detail) == (
        "red_flag",
        "No ended session on record to report against: placed on clinical hold, "
        "administrators alerted to call.",
    )
    delivery.send([str(alert.id)])
    [email] = [m for m in mailoutbox if m.to == ["lead@example.org"]]
    assert "Ada Lovelace" in email.subject and "please call them now" in email.body


def test_red_flag_words_after_a_session_not_yet_ended_keep_the_patient_from_being_booked(
    text, patient, screen, therapist_api, session_body, book, monday_10
):
    screen(patient)
    draft = session_body()
    del draft["ended_at"]  # needled, the session's end not yet recorded
    assert therapist_api.post("/api/v1/sessions/", draft, format="json").status_code == 201
    text(patient.phone, "my chest hurts and I can't breathe")
    answer = book(monday_10)
    assert (answer.status_code, answer.json()["code"]) == (409, "clinical_hold")


def test_an_archived_patients_messages_are_kept_and_acted_on(
    text, patient, admin, admin_api, book, monday_10
):
    booked = book(monday_10).json()  # archiving leaves future bookings in place
    archive_patient(patient)
    text(patient.phone, "Can I come back next month?")
    text(patient.phone, "X")
    text(patient.phone, "chest pain since this morning")
    listed = {m["body"]: m["action"] for m in inbox(admin_api)}
    assert listed == {
        "Can I come back next month?": "kept",
        "X": "cancelled",
        "chest pain since this morning": "red_flag",
    }
    assert Appointment.objects.get(pk=booked["id"]).status == "cancelled"
    assert len(answers("urgent_care")) == 1 and len(answers("red_flag_alert")) == 1


def test_anything_else_is_kept_for_staff_to_read(text, patient, admin_api):
    text(patient.phone, "Can I bring my daughter?")
    [message] = inbox(admin_api, action="kept")
    assert message["body"] == "Can I bring my daughter?"
    assert message["patient"] == str(patient.id)
    assert not Notification.objects.exists()


def test_a_replayed_webhook_acts_once(text, book, monday_10, patient, admin_api):
    book(monday_10)
    text(patient.phone, "C", sid="SM-once")
    text(patient.phone, "C", sid="SM-once")
    assert len(inbox(admin_api)) == 1
    assert len(answers("appointment_confirmed")) == 1


def test_stop_suppresses_the_answer_to_a_reply_still_to_go(
    text, book, monday_10, patient, admin_api
):
    def confirmations() -> list[str]:
        shown = admin_api.get("/api/v1/notifications/", {"kind": "appointment_confirmed"})
        return [message["status"] for message in shown.json()["results"]]

    book(monday_10)
    text(patient.phone, "C")
    assert confirmations() == ["pending"]
    text(patient.phone, "STOP")
    assert confirmations() == ["suppressed"]


def test_start_after_stop_lets_what_stop_suppressed_go_after_all(
    text, book, monday_10, patient, admin_api
):
    def still_to_go() -> list[tuple[str, str]]:
        shown = admin_api.get("/api/v1/notifications/").json()["results"]
        return sorted((message["kind"], message["status"]) for message in shown)

    book(monday_10)
    text(patient.phone, "C")
    text(patient.phone, "STOP")
    assert still_to_go() == [
        ("appointment_confirmed", "suppressed"),
        ("appointment_reminder", "suppressed"),
    ]
    text(patient.phone, "START")
    assert still_to_go() == [
        ("appointment_confirmed", "pending"),
        ("appointment_reminder", "pending"),
    ]


def test_a_number_two_clinics_share_acts_for_each_clinics_patient_alone(
    text, book, monday_10, patient, other_patient, admin_api, other_admin_api
):
    assert patient.phone == other_patient.phone
    book(monday_10)
    text(patient.phone, "X")
    [ours] = inbox(admin_api)
    [theirs] = inbox(other_admin_api)
    assert (ours["patient"], ours["action"]) == (str(patient.id), "cancelled")
    assert (theirs["patient"], theirs["action"]) == (str(other_patient.id), "kept")
    assert other_admin_api.get(f"/api/v1/inbound-sms/?patient={patient.id}").status_code == 400


@pytest.fixture
def booked_at_both_clinics(
    book, monday_10, patient, other_patient, other_therapist, other_admin_api
):
    """The number's patient at each clinic has an appointment to come."""
    assert patient.phone == other_patient.phone
    theirs = next_weekday(other_patient.clinic.timezone, 2, time(11))
    return [
        book(monday_10).json(),
        book(theirs, api=other_admin_api, patient=other_patient, therapist=other_therapist).json(),
    ]


def kept_at_each_clinic(admin_api, other_admin_api, body) -> None:
    """The reply is listed, kept and saying why, by each clinic's API and staff inbox."""
    for api in (admin_api, other_admin_api):
        [message] = inbox(api)
        assert (message["action"], message["detail"]) == ("kept", inbound.SHARED_ACROSS_CLINICS)
        patient = Patient.objects.get(pk=message["patient"])
        assert [m.body for m in selectors.inbox(patient.clinic_id)] == [body]


@pytest.mark.parametrize("reply", ["C", "X"])
def test_a_c_or_x_from_a_number_with_appointments_at_two_clinics_is_kept_for_staff_at_each(
    text, booked_at_both_clinics, patient, admin_api, other_admin_api, reply
):
    text(patient.phone, reply)
    booked = Appointment.objects.filter(pk__in=[a["id"] for a in booked_at_both_clinics])
    assert set(booked.values_list("status", "confirmed_at")) == {("booked", None)}
    assert not answers("patient_cancelled") and not answers("appointment_confirmed")
    kept_at_each_clinic(admin_api, other_admin_api, reply)


def test_a_score_from_a_number_checked_in_at_two_clinics_is_kept_for_staff_at_each(
    text, log_session, patient, other_patient, other_therapist, admin_api, other_admin_api
):
    sent_checkin(log_session)
    theirs = logged_elsewhere(other_patient, other_therapist)
    Notification.objects.filter(kind="checkin_24h", session=theirs["id"]).update(
        status="sent", sent_at=timezone.now() - timedelta(hours=3)
    )
    text(patient.phone, "8")
    assert not SideEffect.objects.exists()
    patient.refresh_from_db()
    other_patient.refresh_from_db()
    assert not patient.clinical_hold and not other_patient.clinical_hold
    kept_at_each_clinic(admin_api, other_admin_api, "8")


def test_red_flag_words_from_a_number_at_two_clinics_are_answered_by_each_in_its_patients_language(
    text, log_session, patient, other_patient, other_therapist, sms_file, send_one
):
    """Each clinic was told, and each answer says so in the words its patient reads."""
    other_patient.language = "es"
    other_patient.save()
    log_session()
    logged_elsewhere(other_patient, other_therapist)
    text(patient.phone, "me duele el pecho, no puedo respirar")
    for advice in answers("urgent_care"):
        assert send_one(advice) == "sent"
    bodies = [message["body"] for message in sms_file()]
    assert len(bodies) == 2
    assert any(patient.clinic.name in b and "seek urgent care at once" in b for b in bodies)
    assert any(other_patient.clinic.name in b and "acuda a urgencias" in b for b in bodies)


def test_a_number_two_patients_of_one_clinic_share_is_kept_unless_a_red_flag(
    text, book, monday_10, patient, clinic, make_patient, admin_api
):
    make_patient(clinic, given_name="Byron")
    book(monday_10)
    text(patient.phone, "X")
    assert {m["action"] for m in inbox(admin_api)} == {"kept"}
    assert Patient.objects.filter(phone=patient.phone).count() == 2


def test_red_flag_words_from_a_number_a_family_shares_are_answered_if_any_of_them_takes_sms(
    text, patient, clinic, make_patient
):
    """The parent registered first takes no SMS; their child, on the same number, does."""
    patient.sms_consent = False
    patient.save()
    child = make_patient(clinic, given_name="Byron")
    text(patient.phone, "chest pain")
    [advice] = answers("urgent_care")
    assert (advice.patient_id, advice.status) == (child.id, "pending")


def test_an_urgent_answer_stopped_by_the_familys_stop_goes_after_their_start(
    text, patient, clinic, make_patient
):
    patient.sms_consent = False  # the parent, registered first, never took SMS
    patient.save()
    child = make_patient(clinic, given_name="Byron")
    text(patient.phone, "STOP")
    text(patient.phone, "chest pain")
    [advice] = answers("urgent_care")
    assert (advice.patient_id, advice.status) == (child.id, "suppressed")
    text(patient.phone, "START")
    advice.refresh_from_db()
    assert advice.status == "pending"


def test_a_start_the_provider_sends_again_after_a_later_stop_gives_no_consent_back(text, patient):
    text(patient.phone, "STOP", sid="SM-stop-1")
    text(patient.phone, "START", sid="SM-start")
    text(patient.phone, "STOP", sid="SM-stop-2")
    text(patient.phone, "START", sid="SM-start")  # the provider's retry of the old START
    patient.refresh_from_db()
    assert patient.sms_consent is False


def test_a_message_the_provider_sends_again_is_not_kept_for_a_patient_registered_since(
    text, patient, clinic, make_patient
):
    text(patient.phone, "STOP", sid="SM-stop")
    byron = make_patient(clinic, given_name="Byron")  # on the number since, with SMS consent
    text(patient.phone, "STOP", sid="SM-stop")
    byron.refresh_from_db()
    assert byron.sms_consent is True
    assert not InboundSms.objects.filter(patient=byron).exists()


def test_an_answer_whose_time_has_passed_stays_suppressed_after_start(text, patient, log_session):
    log_session()
    text(patient.phone, "STOP")
    text(patient.phone, "chest pain")
    [advice] = answers("urgent_care")
    Notification.objects.filter(pk=advice.pk).update(expires_at=timezone.now())
    text(patient.phone, "START")
    advice.refresh_from_db()
    assert advice.status == "suppressed"


def test_the_list_filters_by_patient_and_action_and_costs_the_same_queries_for_1_or_200(
    text, patient, clinic, make_patient, admin_api
):
    someone = make_patient(clinic, given_name="Mary", phone="+447911000111")
    for n in range(4):
        text(patient.phone, f"hello {n}")
    text(someone.phone, "C")
    assert len(inbox(admin_api, patient=someone.id)) == 1
    assert len(inbox(admin_api, action="kept")) == 5
    counts = []
    for size in (1, 200):
        with CaptureQueriesContext(connection) as queries:
            assert admin_api.get("/api/v1/inbound-sms/", {"page_size": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert InboundSms.objects.count() == 5


def test_the_staff_inbox_holds_the_clinics_kept_messages_only(
    text, book, monday_10, patient, other_patient, clinic
):
    book(monday_10)
    text(patient.phone, "C")
    text(patient.phone, "Running late")
    assert [m.body for m in selectors.inbox(clinic.id)] == ["Running late"]
    assert [m.body for m in selectors.inbox(clinic.id, for_a_person=False)] == ["Running late", "C"]
    assert {m.patient_id for m in selectors.inbox(other_patient.clinic_id)} == {other_patient.id}


def test_a_forged_reply_cancels_nothing_and_is_not_kept(text, book, monday_10, patient, admin_api):
    booked = book(monday_10).json()
    forged = webhook(
        "/hooks/sms/inbound/",
        {"From": patient.phone, "Body": "X", "MessageSid": "SM-forged"},
        signed=False,
    )
    assert forged.status_code == 403
    assert admin_api.get(f"/api/v1/appointments/{booked['id']}/").json()["status"] == "booked"
    assert inbox(admin_api) == []


@pytest.mark.parametrize(
    ("language", "how"),
    [("en", "Reply C to confirm, X to cancel."), ("es", "Responda C para confirmarla, X para")],
)
def test_a_reminder_by_sms_says_how_to_reply_and_one_by_email_asks_for_no_reply(
    language, how, book, monday_10, clinic, patient, sms_file
):
    clinic.quiet_hours_start = clinic.quiet_hours_end  # no quiet hours: due whatever the hour
    clinic.save()
    patient.preferred_channel, patient.language = "both", language
    patient.save()
    book(monday_10)
    Notification.objects.filter(kind="appointment_reminder").update(due_at=timezone.now())
    assert run_due() == ["sent", "sent"]
    [by_sms] = [m["body"] for m in sms_file()]
    [by_email] = mail.outbox
    reminder = by_email.body.split("\n\n")[1].strip()  # after the greeting
    assert by_sms.startswith(reminder) and how in by_sms
    # Nobody reads the replies to an email: it reminds without asking for one.
    assert how.split()[0] not in by_email.body  # "Reply", "Responda"
