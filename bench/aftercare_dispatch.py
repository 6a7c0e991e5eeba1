"""Aftercare delivery speed with real parts: one Celery worker, Redis, PostgreSQL, file SMS.

1. 10,000 due messages through the outbox (sweep, claim, send, record) versus 10,000 no-op
   Celery tasks through the same worker: the ratio of wall times (goal <= 2).
2. The same with replies flowing: 1,000 patient SMS replies through the signed inbound webhook
   while the 10,000 messages send, versus the no-op tasks (goal <= 2).
3. Lateness after send_at for messages falling due over 30 seconds, swept every 5 seconds as
   beat does: p50 and p99 (goal p99 <= 2 s).

    .venv/bin/python bench/aftercare_dispatch.py     (BENCH_BROKER_URL: redis://127.0.0.1:6379/15)
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import throwaway_database
from timing import percentile

from tests.real_parts import Celery, celery_environment, wait_until

MESSAGES = 10_000
REPLIES = 1_000
RATIO_GOAL, LATENESS_GOAL_S = 2, 2  # vs no-op tasks; p99 after send_at
REPLY_BODIES = ("Thanks, all fine", "C", "5", "See you Tuesday")  # kept, confirmed, scored
WEBHOOK_BASE, WEBHOOK_TOKEN = "https://clinic.example.org", "bench-twilio-auth-token"
SPREAD_MESSAGES, SPREAD_SECONDS = 3_000, 30
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")


def start_worker(sms_file: Path) -> Celery:
    from config.celery import app

    environment = celery_environment(BROKER, sms_file)
    log = sms_file.parent / "worker.log"
    worker = Celery("worker", environment, log, "--without-gossip", "--without-mingle")
    wait_until(lambda: app.control.ping(timeout=0.5), 60, "the Celery worker answering")
    return worker


def queue_drained() -> bool:
    import redis

    broker = redis.Redis.from_url(BROKER)
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def noop_tasks_seconds() -> float:
    from config.celery import app

    started = time.perf_counter()
    for n in range(MESSAGES):
        app.send_task("celery.accumulate", args=(n,))  # a built-in task that does nothing
    while not queue_drained():
        time.sleep(0.05)
    return time.perf_counter() - started


def run_until_sent(sweep_every: float) -> None:
    from aftercare.models import Notification
    from aftercare.tasks import sweep

    while Notification.objects.filter(status__in=("pending", "sending")).exists():
        sweep()  # what beat does, on this schedule
        time.sleep(sweep_every)


def outbox_seconds(clinic, patient) -> float:
    from django.utils import timezone

    from tests.aftercare.outbox_rows import due_sms

    due_sms(clinic, patient, [timezone.now()] * MESSAGES, label="bench")
    started = time.perf_counter()
    run_until_sent(sweep_every=0.2)
    return time.perf_counter() - started


def send_replies(phone: str, failures: list[BaseException]) -> None:
    """The patient's replies, one after another, through the signed provider webhook."""
    try:
        _send_replies(phone)
    except BaseException as failure:  # the measuring thread re-raises it
        failures.append(failure)


def _send_replies(phone: str) -> None:
    from django.db import connection
    from django.test import Client
    from twilio.request_validator import RequestValidator

    sign = RequestValidator(WEBHOOK_TOKEN).compute_signature
    webhook = Client(SERVER_NAME="localhost")
    for n in range(REPLIES):
        params = {"From": phone, "Body": REPLY_BODIES[n % 4], "MessageSid": f"SM{n:032d}"}
        signature = sign(f"{WEBHOOK_BASE}/hooks/sms/inbound/", params)
        answer = webhook.post("/hooks/sms/inbound/", params, HTTP_X_TWILIO_SIGNATURE=signature)
        assert answer.status_code == 200, answer.content
    connection.close()  # this thread's own connection


def outbox_with_replies_seconds(clinic, patient) -> float:
    """As outbox_seconds, while the replies arrive: both share the database and the worker."""
    from django.conf import settings
    from django.utils import timezone

    from aftercare.models import Notification
    from tests.aftercare.outbox_rows import due_sms

    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = WEBHOOK_TOKEN, WEBHOOK_BASE
    Notification.objects.all().delete()
    due_sms(clinic, patient, [timezone.now()] * MESSAGES, label="bench-replies")
    failures: list[BaseException] = []
    replies = threading.Thread(target=send_replies, args=(patient.phone, failures))
    started = time.perf_counter()
    replies.start()
    run_until_sent(sweep_every=0.2)
    replies.join()
    if failures:
        raise failures[0]
    run_until_sent(sweep_every=0.2)  # the answers the last replies planned
    from aftercare.models import InboundSms

    assert InboundSms.objects.count() == REPLIES, "every reply kept"
    return time.perf_counter() - started


def lateness(clinic, patient) -> list[float]:
    from django.utils import timezone

    from aftercare.models import Notification
    from tests.aftercare.outbox_rows import due_sms

    Notification.objects.all().delete()
    start = timezone.now() + timedelta(seconds=5)
    step = timedelta(seconds=SPREAD_SECONDS) / SPREAD_MESSAGES
    due_sms(clinic, patient, [start + n * step for n in range(SPREAD_MESSAGES)], "spread")
    run_until_sent(sweep_every=5)
    return sorted((n.sent_at - n.send_at).total_seconds() for n in Notification.objects.all())


def measure() -> dict:
    import redis

    from clinic.services import create_clinic, create_patient

    redis.Redis.from_url(BROKER).flushdb()
    clinic = create_clinic(
        name="Bench",
        timezone="Europe/London",
        admin_username="bench-admin",
        admin_password="bench-password-123",
    )
    patient = create_patient(
        clinic=clinic,
        given_name="Bench",
        family_name="Patient",
        date_of_birth=date(1980, 1, 1),
        phone="+447911123456",
        preferred_channel="sms",
        sms_consent=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        worker = start_worker(Path(folder) / "sms.jsonl")
        try:
            noop = noop_tasks_seconds()
            outbox = outbox_seconds(clinic, patient)
            with_replies = outbox_with_replies_seconds(clinic, patient)
            late = lateness(clinic, patient)
        finally:
            worker.stop()
    return {
        "noop_s": noop,
        "outbox_s": outbox,
        "outbox_replies_s": with_replies,
        "late_p50_s": statistics.median(late),
        "late_p99_s": percentile(late, 0.99),
    }


def figures() -> dict:
    os.environ["CELERY_BROKER_URL"] = BROKER  # this process sends to the worker it starts
    with throwaway_database("filiform_bench_aftercare"):
        return measure()


def main() -> None:
    results = figures()
    noop, outbox = results["noop_s"], results["outbox_s"]
    print(f"one worker ({os.cpu_count()} processes), Redis broker, PostgreSQL, file SMS backend")
    print(f"{MESSAGES:,} no-op Celery tasks:        {noop:6.2f} s")
    print(f"{MESSAGES:,} due aftercare messages:    {outbox:6.2f} s")
    print(f"ratio outbox / no-op: {outbox / noop:.2f}  (goal <= {RATIO_GOAL})")
    replied = results["outbox_replies_s"]
    print(f"the same with {REPLIES:,} replies arriving: {replied:6.2f} s")
    print(f"ratio outbox with replies / no-op: {replied / noop:.2f}  (goal <= {RATIO_GOAL})")
    print(
        f"lateness after send_at, {SPREAD_MESSAGES:,} messages due over {SPREAD_SECONDS} s: "
        f"p50 {results['late_p50_s']:.2f} s, p99 {results['late_p99_s']:.2f} s  "
        f"(goal p99 <= {LATENESS_GOAL_S} s)"
    )


if __name__ == "__main__":
    main()
