"""A serious side effect emails the treating therapist and every admin, through whichever email
backend the settings accept, and is on record even when nobody can be emailed."""

import threading

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client

from aftercare import links, outbox
from aftercare.models import Notification
from clinic.models import Patient
from config.mail import FILE, SMTP, anymail_settings, mailers
from sessions.models import NeedlingSession, SideEffect
from sessions.records.services import report_side_effect
from tests.aftercare.outbox_rows import run_due
from tests.real_parts import free_port

pytestmark = pytest.mark.django_db
TO = {"lead@example.org", "north@example.org"}


@pytest.fixture
def report(log_session, therapist_api, therapist, admin):
    """Report a serious side effect of a fresh session, staff having these addresses."""

    def report(admin_email="lead@example.org", therapist_email="north@example.org"):
        admin.email, therapist.email = admin_email, therapist_email
        admin.save()
        therapist.save()
        body = {"session": log_session()["id"], "kind": "chest_pain", "severity": "moderate"}
        answer = therapist_api.post("/api/v1/side-effects/", body, format="json")
        assert answer.status_code == 201, answer.json()

    return report


def use(settings, backend, *, smtp=None, file_path="unused"):
    settings.MAILERS = mailers(backend, smtp=smtp or {}, file_path=str(file_path))


def alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind="side_effect_alert").select_related("staff"))


def test_locmem_the_test_outbox(report):
    report()
    run_due()
    assert {m.to[0] for m in mail.outbox if "Chest pain" in m.subject} == TO
    [to_admin] = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert "Ada Lovelace" in to_admin.body and "clinical hold" in to_admin.body
    assert {a.status for a in alerts()} == {"sent"}


def test_the_file_backend_writes_every_alert(settings, tmp_path, report):
    use(settings, FILE, file_path=tmp_path / "mail")
    report()
    run_due()
    written = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert all(f"To: {address}" in written for address in TO)
    assert "Subject: Serious side effect reported: Chest pain" in written
    assert {a.status for a in alerts()} == {"sent"}


def test_the_console_backend_prints_every_alert(settings, capsys, report):
    use(settings, "django.core.mail.backends.console.EmailBackend")
    report()
    run_due()
    printed = capsys.readouterr().out
    assert all(f"To: {address}" in printed for address in TO)


class Inbox:
    """What an SMTP server on 127.0.0.1 received (aiosmtpd's handler interface)."""

    def __init__(self):
        self.received: list[tuple[list[str], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 Message accepted for delivery"


def test_smtp_delivers_every_alert_to_a_real_server(settings, report):
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        use(
            settings,
            SMTP,
            smtp={"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        )
        report()
        run_due()
    finally:
        server.stop()
    assert {to for recipients, _ in inbox.received for to in recipients} == TO
    assert all("Chest pain" in content for _, content in inbox.received)


def test_anymail_delivers_through_its_backend(settings, report):
    use(settings, "anymail.backends.test.EmailBackend")
    report()
    run_due()
    sent = [m for m in mail.outbox if hasattr(m, "anymail_test_params")]
    assert {m.to[0] for m in sent} == TO


def test_an_anymail_provider_reads_its_credentials_from_the_environment(settings):
    from anymail.backends.mailgun import EmailBackend

    environment = {"ANYMAIL_MAILGUN_API_KEY": "key-from-env", "EMAIL_HOST": "smtp.example.org"}
    settings.ANYMAIL = anymail_settings(environment)
    assert settings.ANYMAIL == {"MAILGUN_API_KEY": "key-from-env"}
    assert EmailBackend(alias="default").api_key == "key-from-env"


def test_with_nobody_to_email_the_alert_is_on_record_and_the_hold_applies(
    report, admin_api, patient, book, monday_10
):
    report(admin_email="", therapist_email="")
    run_due()
    listed = admin_api.get("/api/v1/notifications/", {"kind": "side_effect_alert"}).json()
    rows = listed["results"]
    assert len(rows) == 2 and {row["status"] for row in rows} == {"failed"}
    assert all("no email address" in row["last_error"] for row in rows)
    assert {row["staff"] for row in rows} == {str(a.staff_id) for a in alerts()}
    assert Patient.objects.get(pk=patient.pk).clinical_hold
    assert book(monday_10).json()["code"] == "clinical_hold"
    assert not mail.outbox


def test_an_inactive_admin_is_not_alerted(report, clinic, make_therapist):
    from clinic.models import Role

    make_therapist(clinic, "gone-admin", role=Role.ADMIN, email="gone@example.org", is_active=False)
    report()
    assert "gone@example.org" not in {a.staff.email for a in alerts()}


def test_a_therapist_moved_to_another_clinic_is_not_told_of_the_old_clinics_patient(
    log_session, therapist, other_clinic
):
    session = log_session()["id"]
    therapist.clinic = other_clinic  # a superuser moves them (clinic.services.update_staff)
    therapist.save()
    report_side_effect(  # by the patient, from their page
        session=NeedlingSession.objects.get(pk=session),
        kind="pneumothorax",
        severity="severe",
        reported_by="patient",
    )
    assert therapist.pk not in {alert.staff_id for alert in alerts()}
    assert alerts()  # the clinic's administrator is told


def test_a_therapist_cannot_stop_an_alert_to_the_administrators_an_administrator_can(
    report, therapist_api, admin_api
):
    report()
    [to_admin] = [alert for alert in alerts() if alert.staff.role == "admin"]
    refused = therapist_api.post(f"/api/v1/notifications/{to_admin.id}/cancel/")
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    to_admin.refresh_from_db()
    assert to_admin.status == "pending"
    stopped = admin_api.post(f"/api/v1/notifications/{to_admin.id}/cancel/")
    assert (stopped.status_code, stopped.json()["status"]) == (200, "cancelled")


def test_an_alert_told_again_emails_nobody_twice(report):
    report()
    side_effect = SideEffect.objects.get()
    outbox.alert_clinic(side_effect)  # the event replayed
    run_due()
    assert len(alerts()) == 2
    assert sorted(to for message in mail.outbox for to in message.to) == sorted(TO)


# The patient page: the red flags get the emergency answer, on the form and after reporting.
@pytest.fixture
def page(log_session):
    return f"/p/{links.PATIENT_PAGE.token_for(log_session()['id'])}/"


def test_the_form_offers_chest_pain_and_breathlessness_with_the_emergency_answer(page):
    html = Client().get(page).content.decode()
    assert 'value="chest_pain"' in html and 'value="breathlessness"' in html
    assert 'id="id_kind_help"' in html
    assert "If this is happening now, call emergency services" in html


@pytest.mark.parametrize(
    "kind, severity, answer",
    [
        ("chest_pain", "mild", "call emergency services at once"),
        ("breathlessness", "moderate", "call emergency services at once"),
        ("infection", "moderate", "before any further treatment"),
        ("bruising", "mild", "Your report has reached the clinic."),
    ],
)
def test_reporting_answers_at_once(page, patient, therapist, admin, kind, severity, answer):
    client = Client(enforce_csrf_checks=True)
    token = client.get(page).cookies["csrftoken"].value
    posted = client.post(page, {"kind": kind, "severity": severity, "csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    shown = client.get(posted.url).content.decode()
    assert answer in shown
    serious = kind != "bruising"
    assert Patient.objects.get(pk=patient.pk).clinical_hold is serious
    assert {a.staff for a in alerts()} == ({therapist, admin} if serious else set())
