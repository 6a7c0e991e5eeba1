"""Delivering the outbox. The database is the source of truth; the broker only carries
short-lived work, so a lost task or a dead worker is found again by the next sweep.

- sweep (beat, every few seconds): expire what is too late, free rows whose sender died, and
  queue a send task, with a short ETA, for each row due within the next interval.
- send: claim the row with one conditional UPDATE (pending -> sending, with a lease), call the
  provider with the notification id as idempotency key, record the outcome. Failures retry
  with exponential backoff, up to a limit; then the row is `failed` with its last error. A
  message the provider refuses outright (an invalid number) fails at once.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from aftercare import channels, links, texts
from aftercare.models import Channel, Kind, Notification, Status

SWEEP_INTERVAL = timedelta(seconds=5)
# A queued task not started within QUEUE_LEASE is queued again (the broker may have lost it);
# a send not recorded within SEND_LEASE is presumed dead and tried again.
QUEUE_LEASE = timedelta(seconds=settings.AFTERCARE_QUEUE_LEASE_SECONDS)
SEND_LEASE = timedelta(seconds=settings.AFTERCARE_SEND_LEASE_SECONDS)
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)


def backoff(attempts: int) -> timedelta:
    return FIRST_RETRY * 2 ** (attempts - 1)


def sweep(enqueue: Callable[[str, datetime | None], None], now: datetime | None = None) -> int:
    """Queue every row due before the next sweep; returns how many were queued."""
    now = now or timezone.now()
    open_rows = Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING])
    open_rows.filter(expires_at__lte=now).filter(
        Q(status=Status.PENDING) | Q(lease_until__lt=now)
    ).update(status=Status.EXPIRED, updated_at=now)
    # A sender that held its lease this long died between claim and record: try again.
    open_rows.filter(status=Status.SENDING, lease_until__lt=now).update(
        status=Status.PENDING, lease_until=None, queued_until=None, updated_at=now
    )
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, due_at__lte=now + SWEEP_INTERVAL)
            .filter(Q(queued_until__isnull=True) | Q(queued_until__lt=now))
            .values_list("id", "due_at")[:5000]
        )
        Notification.objects.filter(id__in=[row_id for row_id, _ in due]).update(
            queued_until=now + QUEUE_LEASE
        )
    for row_id, due_at in due:
        enqueue(str(row_id), due_at if due_at > now else None)  # only the future needs an ETA
    return len(due)


def claim(notification_id: str, now: datetime) -> bool:
    """Take the row for sending; False when another sender has it or it is not due."""
    return bool(
        Notification.objects.filter(
            id=notification_id, status=Status.PENDING, due_at__lte=now, expires_at__gt=now
        ).update(
            status=Status.SENDING,
            lease_until=now + SEND_LEASE,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )


def send(notification_id: str) -> str:
    """Send one notification if it is still due; returns its status afterwards."""
    now = timezone.now()
    if not claim(notification_id, now):
        return "not_claimed"
    notification = texts.with_own_words(
        Notification.objects.select_related("patient__clinic", "session")
    ).get(id=notification_id)
    address = _address(notification)
    if address is None:
        return _finish(notification, status=Status.SUPPRESSED)
    try:
        provider_id = _deliver(notification, address)
    except channels.DeliveryError as error:
        if error.permanent or notification.attempts >= MAX_ATTEMPTS:
            return _finish(notification, status=Status.FAILED, last_error=str(error)[:2000])
        return _finish(
            notification,
            status=Status.PENDING,
            last_error=str(error)[:2000],
            due_at=timezone.now() + backoff(notification.attempts),
            queued_until=None,
        )
    return _finish(
        notification, status=Status.SENT, sent_at=timezone.now(), provider_id=provider_id
    )


def _finish(notification: Notification, **fields) -> str:
    """Record the outcome, unless the lease was lost to another sender meanwhile."""
    Notification.objects.filter(id=notification.id, status=Status.SENDING).update(
        lease_until=None, updated_at=timezone.now(), **fields
    )
    return fields["status"]


def _address(notification: Notification) -> str | None:
    """Where to send, checked again now: consent may have been withdrawn since planning."""
    if notification.kind == Kind.SIDE_EFFECT_ALERT:
        return notification.staff.email or None
    patient = notification.patient
    if notification.channel == Channel.SMS:
        return patient.phone if patient.sms_consent and patient.phone else None
    return patient.email if patient.email_consent and patient.email else None


def _deliver(notification: Notification, address: str) -> str:
    words = texts.words_for(notification, _context(notification))
    key = str(notification.id)
    if notification.channel == Channel.SMS:
        return channels.sms_backend().send(to=address, body=words.text, idempotency_key=key)
    name = notification.staff.full_name if notification.staff else notification.patient.given_name
    return channels.send_email(
        to=address,
        subject=words.subject,
        text=texts.email_text(words, name),
        html=texts.email_html(words, name),
        idempotency_key=key,
    )


def _local(moment: datetime, tz_name: str, fmt: str) -> str:
    return moment.astimezone(ZoneInfo(tz_name)).strftime(fmt)


def _context(notification: Notification) -> dict:
    patient, session = notification.patient, notification.session
    context = {
        "clinic": patient.clinic.name,
        "given_name": patient.given_name,
        "patient_name": patient.full_name,
    }
    if session is not None:
        context |= {
            "heat_advised": session.heat_advised,
            "heat_time": _local(
                session.ended_at + timedelta(minutes=30), patient.timezone, "%H:%M"
            ),
            "link": links.patient_page_url(session.id),
        }
    if notification.appointment is not None:
        appointment = notification.appointment
        context |= {
            "appointment_time": _local(
                appointment.starts_at, patient.timezone, "%A %d %B at %H:%M"
            ),
            "therapist": appointment.therapist,
        }
    if notification.course is not None:
        done = notification.course.needling_sessions.exclude(ended_at=None).count()
        context["sessions_left"] = max(notification.course.planned_sessions - done, 0)
    if notification.side_effect is not None:
        effect = notification.side_effect
        context |= {
            "side_effect": effect.get_kind_display(),
            "severity": effect.severity,
            "reported_by": effect.reported_by,
            "notes": effect.notes,
        }
    return context
