"""A patient stops their clinic's emails from a link in any of them: no account, one click,
and nothing more is sent by email, the messages already planned included."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from aftercare import links
from aftercare.models import Notification
from audit.models import AuditEntry
from tests.aftercare.outbox_rows import run_due

pytestmark = pytest.mark.django_db


def emailed(log_session, patient, language="en"):
    """A session logged for a patient who prefers email: its aftercare email, as sent."""
    patient.preferred_channel, patient.language = "email", language
    patient.save()
    log_session()
    run_due()
    return next(m for m in mail.outbox if m.to == [patient.email])


def stop_path(message) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


def test_every_email_to_a_patient_says_where_to_stop_them(log_session, patient, settings):
    message = emailed(log_session, patient)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{settings.PUBLIC_BASE_URL}/p/email-stop/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.body.rstrip().endswith(f"To stop these emails: {link}")
    assert f'href="{link}"' in message.alternatives[0].content


def test_the_link_asks_first_then_stops_every_email_still_to_go(log_session, patient):
    message = emailed(log_session, patient)
    path = stop_path(message)
    planned = Notification.objects.filter(patient=patient, channel="email", status="pending")
    assert planned.exists()  # the check-in, tomorrow

    page = Client().get(path).content.decode()
    assert "Emails from Northside Physio" in page and "Stop the emails" in page
    patient.refresh_from_db()
    assert patient.email_consent  # opened (by a mail scanner, say): nothing stopped yet

    stopped = Client().post(path)
    assert stopped.status_code == 200
    assert "Northside Physio will send you no more emails" in stopped.content.decode()
    patient.refresh_from_db()
    assert patient.email_consent is False
    assert not planned.exists()
    assert "Northside Physio will send you no more emails" in Client().get(path).content.decode()
    by_link = AuditEntry.objects.filter(action="update", actor_type="patient_link")
    email_id = message.extra_headers["X-Filiform-Notification"]
    assert {(e.object_type, e.actor_id) for e in by_link} >= {("patient", email_id)}


def test_a_mail_programs_one_click_stop_needs_no_cookie(log_session, patient):
    path = stop_path(emailed(log_session, patient))
    one_click = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "Location" not in one_click  # RFC 8058: no redirect
    patient.refresh_from_db()
    assert patient.email_consent is False


def test_a_stop_sent_again_changes_and_records_nothing_more(log_session, patient):
    path = stop_path(emailed(log_session, patient))
    Client().post(path)
    recorded = AuditEntry.objects.filter(action="update").count()
    again = Client().post(path)  # a mail program may send its one-click stop more than once
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="update").count() == recorded


def test_the_stop_and_its_page_are_in_the_patients_language(log_session, patient):
    message = emailed(log_session, patient, language="es")
    assert "Para dejar de recibir estos correos:" in message.body
    path = stop_path(message)
    assert "Dejar de recibir los correos" in Client().get(path).content.decode()
    Client().post(path)
    done = Client().get(path).content.decode()
    assert "Northside Physio no le enviará más correos" in done


def test_only_the_patient_the_email_went_to_is_stopped(
    log_session, patient, other_clinic, make_patient
):
    # The same address, a relative in this clinic and one in another: they did not ask.
    namesakes = [make_patient(c, given_name="Ann") for c in (patient.clinic, other_clinic)]
    Client().post(stop_path(emailed(log_session, patient)))
    for namesake in namesakes:
        namesake.refresh_from_db()
        assert namesake.email_consent is True


def test_a_patients_stop_leaves_the_alerts_about_them_to_the_clinic_which_carry_none(
    log_session, patient, therapist_api, admin
):
    # A serious side effect reported, its alert not gone yet; then the patient stops emails.
    admin.email = "lead@example.org"
    admin.save()
    message = emailed(log_session, patient)
    sent = Notification.objects.get(pk=message.extra_headers["X-Filiform-Notification"])
    therapist_api.post(
        "/api/v1/side-effects/",
        {"session": str(sent.session_id), "kind": "nerve_injury", "severity": "moderate"},
        format="json",
    )
    alerts = Notification.objects.filter(kind="side_effect_alert", status="pending")
    assert alerts.exists()
    Client().post(stop_path(message))
    assert alerts.exists()
    run_due()
    [alert] = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    # Staff are told whatever a patient asked; theirs is no email to stop from a link.
    assert "List-Unsubscribe" not in alert.extra_headers
    assert "stop these emails" not in alert.body


@pytest.mark.parametrize(
    "token",
    ["not-a-token", links.PATIENT_PAGE.token_for("5f0c6d1e-1b2a-4c3d-9e8f-7a6b5c4d3e2f")],
)
def test_anything_but_an_emails_own_stop_link_is_not_found(token):
    assert Client().get(f"/p/email-stop/{token}/").status_code == 404
    assert Client().post(f"/p/email-stop/{token}/").status_code == 404
