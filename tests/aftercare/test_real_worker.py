"""The aftercare pipeline with real parts: Celery worker and beat, Redis, PostgreSQL.

And the fault test: SIGKILL the worker while 1,000 due messages are going out, restart Redis,
and still lose nothing and send nothing twice beyond what the design allows.
"""

import json
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from aftercare.models import Notification
from tests.aftercare.outbox_rows import due_sms
from tests.real_parts import Celery, Redis, celery_environment, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CONCURRENCY = 4


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def processes():
    running = []
    yield running
    for process in running:
        process.stop()


def recorded(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_session_logged_31_minutes_late_gets_its_messages_within_seconds(
    redis, processes, tmp_path, log_session
):
    sms_file = tmp_path / "sms.jsonl"
    environment = celery_environment(redis.url, sms_file)
    processes.append(
        Celery("worker", environment, tmp_path / "worker.log", f"--concurrency={CONCURRENCY}")
    )
    processes.append(
        Celery(
            "beat", environment, tmp_path / "beat.log", f"--schedule={tmp_path / 'beat-schedule'}"
        )
    )
    logged_at = timezone.now()
    session = log_session(
        heat_advised=True, ended_at=(logged_at - timedelta(minutes=31)).isoformat()
    )
    rows = Notification.objects.filter(
        session=session["id"], kind__in=["aftercare_immediate", "heat_ok"]
    )
    wait_until(lambda: {r.status for r in rows.all()} == {"sent"}, 60, "immediate and heat sent")
    assert all(r.sent_at - logged_at < timedelta(seconds=15) for r in rows.all())
    assert {m["id"] for m in recorded(sms_file)} == {str(r.id) for r in rows.all()}
    assert Notification.objects.get(session=session["id"], kind="checkin_24h").status == "pending"


def test_killing_the_worker_and_restarting_redis_loses_and_duplicates_nothing(
    redis, processes, tmp_path, patient, clinic
):
    due_sms(clinic, patient, [timezone.now()] * 1000, label="fault-test")
    sms_file = tmp_path / "sms.jsonl"
    environment = celery_environment(
        redis.url,
        sms_file,
        SMS_FILE_DELAY="0.01",
        # Short leases: what the killed worker held comes back within seconds.
        AFTERCARE_QUEUE_LEASE_SECONDS="5",
        AFTERCARE_SEND_LEASE_SECONDS="5",
    )
    worker = Celery("worker", environment, tmp_path / "worker.log", f"--concurrency={CONCURRENCY}")
    processes.append(
        Celery(
            "beat", environment, tmp_path / "beat.log", f"--schedule={tmp_path / 'beat-schedule'}"
        )
    )
    wait_until(lambda: len(recorded(sms_file)) >= 200, 60, "200 messages sent")
    worker.kill()
    redis.kill()  # everything queued in Redis is gone with it
    redis.start()
    processes.append(
        Celery("worker", environment, tmp_path / "worker2.log", f"--concurrency={CONCURRENCY}")
    )
    wait_until(
        lambda: not Notification.objects.exclude(status="sent").exists(),
        120,
        "all 1,000 messages sent",
        interval=0.5,
    )

    calls = Counter(m["id"] for m in recorded(sms_file))
    assert len(calls) == 1000  # nothing lost
    extra_calls = sum(calls.values()) - 1000
    assert extra_calls <= CONCURRENCY  # only sends cut off between provider and database
    attempts = dict(Notification.objects.values_list("id", "attempts"))
    for notification_id, count in calls.items():
        # every provider call beyond the first was a recorded attempt
        assert attempts[uuid.UUID(notification_id)] >= count


def written_mail(directory) -> str:
    return "".join(p.read_text() for p in directory.iterdir()) if directory.exists() else ""


def test_a_serious_report_emails_holds_and_blocks_booking_until_released(
    redis,
    processes,
    tmp_path,
    log_session,
    therapist_api,
    admin_api,
    therapist,
    admin,
    patient,
    book,
    monday_10,
):
    admin.email, therapist.email = "lead@example.org", "north@example.org"
    admin.save()
    therapist.save()
    mail_dir = tmp_path / "mail"
    environment = celery_environment(
        redis.url,
        tmp_path / "sms.jsonl",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    processes.append(Celery("worker", environment, tmp_path / "worker.log", "--concurrency=1"))
    processes.append(
        Celery(
            "beat", environment, tmp_path / "beat.log", f"--schedule={tmp_path / 'beat-schedule'}"
        )
    )
    session = log_session(heat_advised=True)  # heat is fine in 10 minutes
    assert book(monday_10).status_code == 201  # reminded the day before
    held = Notification.objects.filter(
        patient=patient, kind__in=["heat_ok", "appointment_reminder"]
    )
    assert {n.status for n in held} == {"pending"}

    reported = therapist_api.post(
        "/api/v1/side-effects/",
        {"session": session["id"], "kind": "chest_pain", "severity": "moderate"},
        format="json",
    )
    assert reported.status_code == 201

    wait_until(
        lambda: all(f"To: {a}" in written_mail(mail_dir) for a in (admin.email, therapist.email)),
        60,
        "the alert emailed to the therapist and the admin",
    )
    assert "Subject: Serious side effect reported: Chest pain" in written_mail(mail_dir)
    alerts = Notification.objects.filter(kind="side_effect_alert")
    wait_until(lambda: {a.status for a in alerts.all()} == {"sent"}, 10, "alerts recorded sent")
    assert {n.status for n in held.all()} == {"cancelled"}
    tuesday = monday_10 + timedelta(days=1)
    refused = book(tuesday)
    assert (refused.status_code, refused.json()["code"]) == (409, "clinical_hold")

    released = admin_api.post(
        f"/api/v1/patients/{patient.id}/release-hold/",
        {"note": "Chest X-ray clear; seen by the GP."},
        format="json",
    )
    assert released.status_code == 200 and released.json()["clinical_hold"] is False
    assert book(tuesday).status_code == 201
