"""Delivering the outbox. The database is the source of truth; the broker only carries
short-lived work, so a lost task or a dead worker is found again by the next sweep.

- sweep (beat, every few seconds): expire what is too late, free rows whose sender died, and
  queue send tasks, with a short ETA, for the rows due within the next interval, a small batch
  of rows falling due together to each task.
- send: claim the batch's rows with one conditional UPDATE (pending -> sending, with a lease),
  then for each row call the provider with the notification id as idempotency key and record
  the outcome at once, so a worker killed mid-batch leaves at most one call unrecorded.
  Failures of any kind (the provider's, or a bug or bad data on our side) retry with
  exponential backoff, up to MAX_ATTEMPTS tries in all, counting a sender that died mid-send;
  then the row is `failed` with its last error. A message the provider refuses outright (an
  invalid number) fails at once.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from aftercare import channels, links, message_texts, outbox, plan, texts
from aftercare.message_texts import OwnTexts
from aftercare.models import Channel, Kind, Notification, Status
from sessions.models import (
    Appointment,
    AppointmentStatus,
    CourseStatus,
    NeedlingSession,
    TreatmentCourse,
)
from sessions.records.selectors import with_sessions_done

logger = logging.getLogger(__name__)

SWEEP_INTERVAL = timedelta(seconds=5)
# A queued task not started within QUEUE_LEASE is queued again (the broker may have lost it);
# a send not recorded within SEND_LEASE is presumed dead and tried again.
QUEUE_LEASE = timedelta(seconds=settings.AFTERCARE_QUEUE_LEASE_SECONDS)
SEND_LEASE = timedelta(seconds=settings.AFTERCARE_SEND_LEASE_SECONDS)
# One task sends at most BATCH rows, all falling due within BATCH_SPAN of each other: the
# claim and the fetch are shared, and no row waits more than BATCH_SPAN for the others.
BATCH = settings.AFTERCARE_SEND_BATCH
BATCH_SPAN = timedelta(milliseconds=250)
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
SENDER_DIED = "The sender stopped during the last attempt (its lease ran out)."


def backoff(attempts: int) -> timedelta:
    doublings: int = 2 ** (attempts - 1)  # typeshed: int ** int may be a float
    return FIRST_RETRY * doublings


def sweep(
    enqueue: Callable[[list[str], datetime | None], None], now: datetime | None = None
) -> int:
    """Queue every row due before the next sweep, in batches; returns how many were queued."""
    now = now or timezone.now()
    open_rows = Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING])
    open_rows.filter(expires_at__lte=now).filter(
        Q(status=Status.PENDING) | Q(lease_until__lt=now)
    ).update(status=Status.EXPIRED, updated_at=now)
    # A sender that held its lease this long died between claim and record: try again,
    # unless that was the last attempt.
    dead = open_rows.filter(status=Status.SENDING, lease_until__lt=now)
    dead.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, lease_until=None, last_error=SENDER_DIED, updated_at=now
    )
    dead.update(status=Status.PENDING, lease_until=None, queued_until=None, updated_at=now)
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, due_at__lte=now + SWEEP_INTERVAL)
            .filter(Q(queued_until__isnull=True) | Q(queued_until__lt=now))
            .order_by("due_at")
            .values_list("id", "due_at")[:5000]
        )
        Notification.objects.filter(id__in=[row_id for row_id, _ in due]).update(
            queued_until=now + QUEUE_LEASE
        )
    for batch in batches(due, now):
        last_due = batch[-1][1]
        # Only the future needs an ETA: the batch's last row, so that every row is due.
        enqueue([str(row_id) for row_id, _ in batch], last_due if last_due > now else None)
    return len(due)


# A notification falling due: its id and when.
DueRow = tuple[UUID, datetime]


def batches(due: list[DueRow], now: datetime) -> list[list[DueRow]]:
    """Split (id, due_at) rows, in due order, into batches of rows falling due together."""
    grouped: list[list[DueRow]] = []
    for row in due:
        current = grouped[-1] if grouped else None
        if current and len(current) < BATCH and row[1] - max(current[0][1], now) <= BATCH_SPAN:
            current.append(row)
        else:
            grouped.append([row])
    return grouped


def claim(notification_ids: list[str], now: datetime) -> datetime:
    """Take the due rows among these for sending; returns the lease, which marks them ours."""
    lease = now + SEND_LEASE
    Notification.objects.filter(
        id__in=notification_ids, status=Status.PENDING, due_at__lte=now, expires_at__gt=now
    ).update(status=Status.SENDING, lease_until=lease, attempts=F("attempts") + 1, updated_at=now)
    return lease


def send(notification_ids: list[str]) -> dict[str, str]:
    """Send the rows still due among these; returns each id's status afterwards."""
    now = timezone.now()
    lease = claim(notification_ids, now)
    # Each claim writes a later lease than any before it on the same row, so the lease
    # tells this sender's rows from rows another sender claimed.
    ours = list(
        Notification.objects.select_related(
            "patient__clinic",
            "session",
            "appointment__therapist",
            "side_effect",
            "staff",
        ).filter(id__in=notification_ids, status=Status.SENDING, lease_until=lease)
    )
    reads = Reads(message_texts.own_texts_for(ours), _courses(ours))
    outcome = dict.fromkeys(notification_ids, "not_claimed")
    unsent = ours
    standing_read = time.monotonic()  # with the rows, just now
    try:
        # Stop while half the lease is left: no row may outlive its lease mid-call.
        while unsent and timezone.now() <= now + SEND_LEASE / 2:
            if time.monotonic() - standing_read >= settings.AFTERCARE_STANDING_SECONDS:
                # One query for the rest of the batch, not one per message (a quarter of the
                # outbox's time): a STOP stops the patient's messages within this many seconds.
                outbox.read_standing(row.patient for row in unsent)
                standing_read = time.monotonic()
            notification, *unsent = unsent
            outcome[str(notification.id)] = _send_claimed(notification, lease, reads)
    finally:
        # Rows never tried, because time ran out or recording an outcome failed, go back.
        _give_back(unsent, lease)
    return outcome | {str(n.id): Status.PENDING for n in unsent}


@dataclass(frozen=True)
class Course:
    sessions_left: int
    latest_session: UUID | None  # the latest ended session, whose patient page re-rates
    rebooking_due: bool  # plan.rebooking_due, as the course stands now

    def wants_rebook(self, notification: Notification) -> bool:
        """A rebooking message still goes: the course still wants booking, and the message
        follows its last session (one after an earlier session is superseded)."""
        return self.rebooking_due and notification.session_id == self.latest_session


@dataclass(frozen=True)
class Reads:
    """What a batch's messages read besides their own rows, read once for the whole batch."""

    own: OwnTexts
    courses: dict[UUID, Course]


def _courses(notifications: list[Notification]) -> dict[UUID, Course]:
    """The courses these notifications name, in one query."""
    ids = {n.course_id for n in notifications if n.course_id is not None}
    if not ids:
        return {}
    latest = (
        NeedlingSession.objects.filter(course=OuterRef("pk"), ended_at__isnull=False)
        # Of two ended together, the one logged last (the key settles even that).
        .order_by("-ended_at", "-created_at", "-pk")
        .values("pk")[:1]
    )
    booked = Appointment.objects.filter(course=OuterRef("pk"), status=AppointmentStatus.BOOKED)
    rows = (
        with_sessions_done(TreatmentCourse.objects.filter(pk__in=ids))
        .annotate(latest_session=Subquery(latest), booked=Exists(booked))
        .values_list(
            "pk", "planned_sessions", "sessions_done", "latest_session", "status", "booked"
        )
    )
    return {
        pk: Course(
            sessions_left=(left := max(planned - done, 0)),
            latest_session=latest_session,
            rebooking_due=plan.rebooking_due(
                course_active=status == CourseStatus.ACTIVE, sessions_left=left, booked=booked
            ),
        )
        for pk, planned, done, latest_session, status, booked in rows
    }


def _send_claimed(notification: Notification, lease: datetime, reads: Reads) -> str:
    try:
        now = timezone.now()
        allowed = _allowed_at(notification, now)
        if allowed > now:
            return _wait_or_expire(notification, lease, allowed)
        stopped = _stopped(notification, reads.courses)
        if stopped:
            return _finish(notification, lease, status=stopped)
        address = _address(notification)
        provider_id = _deliver(notification, address, reads) if address else ""
    except channels.DeliveryError as error:
        return _retry_or_fail(notification, lease, str(error), permanent=error.permanent)
    except Exception as error:
        # A bug or bad data, not the provider: logged, and limited like any other failure.
        logger.exception("Sending notification %s failed", notification.id)
        return _retry_or_fail(notification, lease, f"{type(error).__name__}: {error}")
    if address is None:
        # Not a choice the person made, as a patient's withdrawn consent is: a gap to close.
        reason = f"{notification.staff} has no email address: tell them another way."
        return _finish(notification, lease, status=Status.FAILED, last_error=reason)
    return _finish(
        notification, lease, status=Status.SENT, sent_at=timezone.now(), provider_id=provider_id
    )


def _allowed_at(notification: Notification, now: datetime) -> datetime:
    """Quiet hours, checked again now: the clinic may have changed them since the plan."""
    patient = notification.patient
    return plan.allowed_at(
        notification.kind, now, ZoneInfo(patient.timezone), outbox.quiet_hours(patient.clinic)
    )


def _wait_or_expire(notification: Notification, lease: datetime, allowed: datetime) -> str:
    """Inside quiet hours: the message waits for their end, and this was no attempt; or
    expires, if by then it would be too late."""
    if allowed >= notification.expires_at:
        return _finish(notification, lease, status=Status.EXPIRED)
    return _finish(
        notification,
        lease,
        status=Status.PENDING,
        send_at=allowed,
        due_at=allowed,
        queued_until=None,
        attempts=F("attempts") - 1,
    )


def _retry_or_fail(
    notification: Notification, lease: datetime, reason: str, permanent: bool = False
) -> str:
    if permanent or notification.attempts >= MAX_ATTEMPTS:
        return _finish(notification, lease, status=Status.FAILED, last_error=reason[:2000])
    return _finish(
        notification,
        lease,
        status=Status.PENDING,
        last_error=reason[:2000],
        due_at=timezone.now() + backoff(notification.attempts),
        queued_until=None,
    )


def _finish(notification: Notification, lease: datetime, *, status: str, **fields: object) -> str:
    """Record the outcome, unless the lease was lost to another sender meanwhile."""
    Notification.objects.filter(
        id=notification.id, status=Status.SENDING, lease_until=lease
    ).update(status=status, lease_until=None, updated_at=timezone.now(), **fields)
    return status


def _give_back(unsent: list[Notification], lease: datetime) -> None:
    """Return claimed rows never tried to the queue, without counting an attempt."""
    if not unsent:
        return
    Notification.objects.filter(
        id__in=[n.id for n in unsent], status=Status.SENDING, lease_until=lease
    ).update(
        status=Status.PENDING,
        lease_until=None,
        queued_until=None,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )


def _stopped(notification: Notification, courses: dict[UUID, Course]) -> str | None:
    """The final status of a patient's message that may no longer go (consent withdrawn, a
    hold, the archive), asked of the patient as `send` last read them; or of a rebooking
    message whose course was booked, finished or cancelled since, or saw a later session."""
    if notification.to_staff:  # an alert about a held patient goes all the same
        return None
    if notification.kind == Kind.COURSE_REBOOK:
        course = courses.get(notification.course_id) if notification.course_id else None
        if course is None or not course.wants_rebook(notification):
            return Status.CANCELLED
    status = outbox.status_as_they_stand(notification)
    return None if status == Status.PENDING else status


def _address(notification: Notification) -> str | None:
    """Where to send: the patient's address as just read (`_stopped`), or the staff member's
    email, if they have one."""
    if notification.to_staff:
        if notification.staff is None:
            raise ValueError("A message to staff names no staff member.")
        return notification.staff.email or None
    patient = notification.patient
    return patient.phone if notification.channel == Channel.SMS else patient.email


def _deliver(notification: Notification, address: str, reads: Reads) -> str:
    kind = notification.kind
    language = texts.language_for(kind, notification.patient.language)
    words = texts.words(
        kind,
        language,
        _values(notification, language, reads.courses),
        reads.own.get((notification.clinic_id, language, kind)),
        Channel(notification.channel),
    )
    key = str(notification.id)
    if notification.channel == Channel.SMS:
        return channels.sms_backend().send(to=address, body=words.text, idempotency_key=key)
    name = str(notification.staff) if notification.to_staff else notification.patient.given_name
    # A patient can stop the clinic's emails from any of them; staff alerts are the job's.
    stop = None if notification.to_staff else links.EMAIL_STOP.url(notification.id)
    return channels.send_email(
        to=address,
        subject=words.subject,
        text=texts.email_text(words, name, stop),
        html=texts.email_html(words, name, stop),
        idempotency_key=key,
        stop_link=stop,
    )


def _rerate_link(course: Course | None) -> str:
    """The patient page of the course's latest session, where the re-rating form is."""
    if course is None:
        raise channels.DeliveryError("The re-rating names no course.", permanent=True)
    if course.latest_session is None:
        raise channels.DeliveryError(
            "No session of the course has ended: there is no patient page to re-rate on yet.",
            permanent=True,
        )
    return links.PATIENT_PAGE.url(course.latest_session) + links.RERATE_FORM


def _local(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz_name))


def _values(
    notification: Notification, language: str, courses: dict[UUID, Course]
) -> dict[str, str]:
    """The placeholders' values: plain strings, never the records they come from."""
    patient, session = notification.patient, notification.session
    values = {
        "clinic": patient.clinic.name,
        "given_name": patient.given_name,
        "patient_name": patient.full_name,
    }
    if session is not None:
        if session.ended_at is None:
            raise ValueError("The session was reopened: its aftercare waits for its new end.")
        values |= {
            "heat_time": _local(plan.heat_time(session.ended_at), patient.timezone).strftime(
                "%H:%M"
            ),
            "link": links.PATIENT_PAGE.url(session.id),
        }
    if notification.appointment is not None:
        appointment = notification.appointment
        values |= {
            "appointment_time": texts.appointment_time(
                _local(appointment.starts_at, patient.timezone), language
            ),
            # A patient is never told a sign-in name; staff are told whoever it is.
            "therapist": str(appointment.therapist)
            if notification.to_staff
            else appointment.therapist.name_for_patients(patient.clinic),
        }
    if notification.waitlist_offer_id is not None:
        values["link"] = links.WAITLIST_OFFER.url(notification.waitlist_offer_id)
    course = courses.get(notification.course_id) if notification.course_id else None
    if course is not None:
        values["sessions_left"] = str(course.sessions_left)
    if notification.kind == Kind.OUTCOME_RERATE:
        values["link"] = _rerate_link(course)
    if notification.side_effect is not None:
        effect = notification.side_effect
        values |= {
            "side_effect": effect.get_kind_display(),
            "severity": effect.severity,
            "reported_by": effect.reported_by,
            "notes": effect.notes,
        }
    return values
