"""Two-way SMS and the waitlist with real parts: Celery worker and beat, Redis, PostgreSQL,
the Twilio SDK against the local fake of Twilio's API, and the signed inbound webhook.

One patient's week by SMS: C confirms, X cancels and the freed slot is offered to the
waitlist, whose patient takes it from two tabs at once (one booking); a soreness of 8 after the
check-in holds the patient and emails the clinic; red-flag words are answered with urgent-care
advice; anything else waits for staff.
"""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from aftercare.models import Notification
from sessions.models import Appointment, SideEffect
from tests import bodies
from tests.aftercare.fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    PUBLIC_BASE_URL,
    FakeTwilio,
    inbound_sms,
    serving,
)
from tests.real_parts import Celery, Redis, celery_environment, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def parts(tmp_path, settings, clinic):
    """Redis, the fake Twilio, a worker and beat sending through it; quiet hours off."""
    clinic.quiet_hours_end = clinic.quiet_hours_start
    clinic.save()
    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = AUTH_TOKEN, PUBLIC_BASE_URL
    redis = Redis()
    redis.start()
    with serving() as twilio:
        environment = celery_environment(
            redis.url,
            tmp_path / "sms.jsonl",
            SMS_BACKEND="twilio",
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_FROM_NUMBER=FROM_NUMBER,
            TWILIO_API_BASE_URL=twilio.base_url,
            PUBLIC_BASE_URL=PUBLIC_BASE_URL,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(tmp_path / "mail"),
        )
        processes = [
            Celery("worker", environment, tmp_path / "worker.log", "--concurrency=2"),
            Celery("beat", environment, tmp_path / "beat.log", f"--schedule={tmp_path / 'beat'}"),
        ]
        yield twilio, tmp_path / "mail"
        for process in processes:
            process.stop()
    redis.kill()


def sms_to(twilio: FakeTwilio, phone: str, words: str) -> list[str]:
    return [
        r.form["Body"] for r in twilio.received if r.form["To"] == phone and words in r.form["Body"]
    ]


def mail(directory) -> str:
    return "".join(p.read_text() for p in directory.iterdir()) if directory.exists() else ""


def test_a_patients_replies_and_the_waitlist_with_the_real_worker_and_twilio(
    parts,
    book,
    monday_10,
    patient,
    admin,
    admin_api,
    therapist,
    clinic,
    make_patient,
    log_session,
    screen,
    therapist_api,
):
    twilio, mail_dir = parts
    admin.email = "lead@example.org"
    admin.save()
    first = book(monday_10).json()

    inbound_sms(patient.phone, "C")
    wait_until(lambda: sms_to(twilio, patient.phone, "is confirmed"), 30, "the confirmation")
    assert Appointment.objects.get(pk=first["id"]).confirmed_at is not None

    grace = make_patient(clinic, given_name="Grace", phone="+447911000222")
    joined = admin_api.post(
        "/api/v1/waitlist/",
        {
            "patient": str(grace.id),
            "earliest": monday_10.isoformat(),
            "latest": (monday_10 + timedelta(hours=2)).isoformat(),
            "minutes": 45,
        },
        format="json",
    )
    assert joined.status_code == 201
    inbound_sms(patient.phone, "X")
    assert Appointment.objects.get(pk=first["id"]).cancel_reason == "patient_sms"
    wait_until(lambda: sms_to(twilio, grace.phone, "/p/offer/"), 30, "the waitlist offer")
    wait_until(lambda: "cancelled their appointment" in mail(mail_dir), 30, "the clinic's notice")
    [offer_sms] = sms_to(twilio, grace.phone, "/p/offer/")
    link = re.search(rf"{re.escape(PUBLIC_BASE_URL)}(/p/offer/\S+/)", offer_sms).group(1)
    barrier, pages = threading.Barrier(2), []

    def take():
        barrier.wait()
        pages.append(Client().post(link, follow=True).content.decode())
        connection.close()

    tabs = [threading.Thread(target=take) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert all("It is yours" in page for page in pages)
    [taken] = Appointment.objects.filter(patient=grace)
    assert (taken.starts_at, taken.therapist_id, taken.status) == (
        monday_10,
        therapist.id,
        "booked",
    )

    session = log_session()
    Notification.objects.filter(kind="checkin_24h", session=session["id"]).update(
        status="sent", sent_at=timezone.now() - timedelta(hours=20)
    )
    inbound_sms(patient.phone, "8")
    wait_until(lambda: "Serious side effect reported" in mail(mail_dir), 30, "the alert email")
    patient.refresh_from_db()
    assert patient.clinical_hold
    assert SideEffect.objects.get(kind="soreness_after").severity == "severe"

    inbound_sms(patient.phone, "Me duele el pecho")
    wait_until(lambda: sms_to(twilio, patient.phone, "urgent care"), 30, "the urgent-care advice")
    assert SideEffect.objects.get(kind="chest_pain").serious

    inbound_sms(patient.phone, "Is there parking nearby?")
    kept = admin_api.get("/api/v1/inbound-sms/", {"action": "kept"}).json()["results"]
    assert [m["body"] for m in kept] == ["Is there parking nearby?"]

    lucia = make_patient(clinic, given_name="Lucía", phone="+447911000333", language="es")
    screen(lucia)
    logged = therapist_api.post("/api/v1/sessions/", bodies.session_body(str(lucia.id)))
    assert logged.status_code == 201
    wait_until(lambda: sms_to(twilio, lucia.phone, "punción seca"), 30, "Spanish aftercare")
    [first] = sms_to(twilio, lucia.phone, "punción seca")
    assert "dolor en el pecho" in first  # the red flags, in Spanish
    page = Client().get(re.search(rf"{re.escape(PUBLIC_BASE_URL)}(/p/\S+/)", first).group(1))
    assert "Acuda a urgencias de inmediato." in page.content.decode()
