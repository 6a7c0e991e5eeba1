"""What arrives from outside: signed provider webhooks, and the patient's own page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from aftercare import links
from aftercare.models import InboundSms, Notification
from clinic.models import Patient
from sessions.models import Appointment, SideEffect
from tests.aftercare.fake_twilio import webhook
from tests.aftercare.outbox_rows import run_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def twilio(twilio_signs):
    return webhook


@pytest.fixture
def sent_sms(log_session, sms_file, send_one):
    log_session()
    [row] = Notification.objects.filter(kind="aftercare_immediate")
    send_one(row)
    row.refresh_from_db()
    return row


def test_a_delivery_receipt_marks_the_message_delivered(twilio, sent_sms):
    answer = twilio(
        "/hooks/sms/status/", {"MessageSid": sent_sms.provider_id, "MessageStatus": "delivered"}
    )
    assert answer.status_code == 204
    sent_sms.refresh_from_db()
    assert sent_sms.status == "delivered"


def test_a_late_or_repeated_receipt_never_moves_a_status_backwards(twilio, sent_sms):
    twilio("/hooks/sms/status/", {"MessageSid": sent_sms.provider_id, "MessageStatus": "delivered"})
    for status in ("sent", "queued", "failed", "delivered"):
        twilio("/hooks/sms/status/", {"MessageSid": sent_sms.provider_id, "MessageStatus": status})
    sent_sms.refresh_from_db()
    assert sent_sms.status == "delivered"


def test_a_failed_receipt_marks_the_message_failed(twilio, sent_sms):
    twilio(
        "/hooks/sms/status/",
        {"MessageSid": sent_sms.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    sent_sms.refresh_from_db()
    assert (sent_sms.status, sent_sms.last_error) == ("failed", "30003")


def test_an_unsigned_receipt_changes_nothing(twilio, sent_sms):
    answer = twilio(
        "/hooks/sms/status/",
        {"MessageSid": sent_sms.provider_id, "MessageStatus": "failed"},
        signed=False,
    )
    assert answer.status_code == 403
    sent_sms.refresh_from_db()
    assert sent_sms.status == "sent"


def test_stop_withdraws_consent_and_suppresses_pending_sms_and_start_restores_it(
    twilio, log_session, patient
):
    log_session()
    answer = twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": " stop "})
    assert answer.status_code == 200
    patient.refresh_from_db()
    assert patient.sms_consent is False
    assert set(Notification.objects.values_list("status", flat=True)) == {"suppressed"}
    twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": "START"})
    patient.refresh_from_db()
    assert patient.sms_consent is True


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", " End. ", "Quit!", "OptOut", "revoke"])
def test_every_opt_out_word_of_the_carriers_withdraws_consent_as_stop_does(
    twilio, log_session, patient, word
):
    log_session()
    twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": word})
    patient.refresh_from_db()
    assert patient.sms_consent is False
    assert set(Notification.objects.values_list("status", flat=True)) == {"suppressed"}
    assert InboundSms.objects.get().action == "opted_out"
    twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": "UNSTOP"})
    patient.refresh_from_db()
    assert patient.sms_consent is True


def test_start_gives_back_only_the_consent_a_stop_took_away(
    twilio, patient, other_patient, make_patient, clinic
):
    # The same number: a patient of another clinic, and a relative here, who never consented.
    other_patient.phone, other_patient.sms_consent = patient.phone, False
    other_patient.save()
    relative = make_patient(clinic, given_name="Byron", phone=patient.phone, sms_consent=False)
    twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": "START"})
    assert not Patient.objects.filter(pk__in=[other_patient.pk, relative.pk], sms_consent=True)
    twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": "STOP"})
    twilio("/hooks/sms/inbound/", {"From": patient.phone, "Body": "START"})
    consented = Patient.objects.filter(phone=patient.phone, sms_consent=True)
    assert set(consented.values_list("pk", flat=True)) == {patient.pk}


@pytest.mark.parametrize("sid", [None, "", " "])
def test_a_receipt_naming_no_message_is_refused_and_fails_no_email(
    twilio, log_session, patient, sid
):
    """An email has no provider id: a receipt for a blank one would fail every email sent."""
    patient.preferred_channel = "email"
    patient.save()
    log_session()
    assert run_due() == ["sent"]
    receipt = {"MessageStatus": "failed", "ErrorCode": "30003"}
    answer = twilio("/hooks/sms/status/", receipt if sid is None else receipt | {"MessageSid": sid})
    assert answer.status_code == 400
    assert not Notification.objects.filter(status="failed").exists()


@pytest.mark.parametrize("number", [None, "", " "])
@pytest.mark.parametrize("body", ["X", "STOP"])
def test_a_message_from_no_number_is_refused_and_touches_no_patient_without_a_phone(
    twilio, book, monday_10, patient, number, body
):
    patient.phone, patient.preferred_channel = "", "email"
    patient.save()
    assert book(monday_10).status_code == 201
    message = {"Body": body, "MessageSid": "SM-no-number"}
    sent = message if number is None else message | {"From": number}
    assert twilio("/hooks/sms/inbound/", sent).status_code == 400
    assert Appointment.objects.get().status == "booked"
    patient.refresh_from_db()
    assert patient.sms_consent is True
    assert not InboundSms.objects.exists()


def test_a_forged_stop_changes_nothing(twilio, patient):
    assert (
        twilio(
            "/hooks/sms/inbound/", {"From": patient.phone, "Body": "STOP"}, signed=False
        ).status_code
        == 403
    )
    patient.refresh_from_db()
    assert patient.sms_consent is True


@pytest.fixture
def page(log_session):
    session = log_session(heat_advised=True)
    return f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/", session


def test_the_patient_page_shows_instructions_heat_time_and_next_visit(page, book, monday_10):
    book(monday_10)
    path, _ = page
    html = Client().get(path).content.decode()
    assert "Avoid intense physical activity" in html and "not before" in html
    assert "Shortness of breath or chest pain" in html
    assert 'name="viewport"' in html and '<label for="id_kind">' in html
    assert monday_10.strftime("%d").lstrip("0") in html


def test_a_patient_reports_a_side_effect_from_the_page(page, admin):
    path, session = page
    client = Client(enforce_csrf_checks=True)
    form = client.get(path)
    token = form.cookies["csrftoken"].value
    answer = client.post(
        path,
        {
            "kind": "bruising",
            "severity": "severe",
            "notes": "Big bruise",
            "csrfmiddlewaretoken": token,
        },
    )
    assert answer.status_code == 302
    assert "Thank you" in client.get(answer.url).content.decode()
    effect = SideEffect.objects.get()
    assert (effect.reported_by, effect.serious, str(effect.session_id)) == (
        "patient",
        True,
        session["id"],
    )


def test_the_form_refuses_a_post_without_its_csrf_token(page):
    path, _ = page
    answer = Client(enforce_csrf_checks=True).post(path, {"kind": "bruising", "severity": "mild"})
    assert answer.status_code == 403
    assert not SideEffect.objects.exists()


def test_bad_or_expired_links_are_404(page, settings):
    path, session = page
    assert Client().get(path[:-3] + "xx/").status_code == 404
    old = signing.dumps(session["id"], salt="aftercare.patient-page", compress=True)
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + timedelta(days=15)
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        assert Client().get(f"/p/{old}/").status_code == 404


def test_a_link_opens_its_own_session_only(page, log_session):
    path, session = page
    assert links.PATIENT_PAGE.record_id_from(path.split("/")[2]) == session["id"]
    forged = signing.dumps(session["id"], salt="another-purpose")
    assert Client().get(f"/p/{forged}/").status_code == 404


def test_a_receipt_to_a_callback_url_naming_the_notification_is_checked_with_its_query(
    twilio, sent_sms
):
    path = f"/hooks/sms/status/?notification={sent_sms.id}"
    answer = twilio(path, {"MessageSid": sent_sms.provider_id, "MessageStatus": "delivered"})
    assert answer.status_code == 204
    sent_sms.refresh_from_db()
    assert sent_sms.status == "delivered"


def test_the_patient_page_tells_the_times_on_the_patients_own_clock(
    log_session, patient, book, monday_10
):
    """Tokyo is nine hours ahead of the server's UTC all year: a time on UTC's clock would
    have the patient take heat hours before the 30 minutes after needling are over."""
    patient.timezone = "Asia/Tokyo"
    patient.save()
    session = log_session(heat_advised=True)
    book(monday_10)
    html = Client().get(f"/p/{links.PATIENT_PAGE.token_for(session['id'])}/").content.decode()
    tokyo = ZoneInfo("Asia/Tokyo")
    heat = datetime.fromisoformat(session["ended_at"]) + timedelta(minutes=30)
    assert f"not before <strong>{heat.astimezone(tokyo):%H:%M}</strong>" in html
    assert f"at {monday_10.astimezone(tokyo):%H:%M}." in html


def test_a_signed_webhook_with_nul_characters_is_taken_without_them(twilio, patient, sent_sms):
    receipt = {"MessageSid": f"{sent_sms.provider_id}\x00", "MessageStatus": "failed"}
    assert twilio("/hooks/sms/status/", {**receipt, "ErrorCode": "30003\x00"}).status_code == 204
    sent_sms.refresh_from_db()
    assert (sent_sms.status, sent_sms.last_error) == ("failed", "30003")
    message = {"From": f"{patient.phone}\x00", "Body": "Parking?\x00", "MessageSid": "SM\x001"}
    assert twilio("/hooks/sms/inbound/", message).status_code == 200
    [kept] = InboundSms.objects.all()
    assert (kept.patient, kept.body, kept.provider_id) == (patient, "Parking?", "SM1")
