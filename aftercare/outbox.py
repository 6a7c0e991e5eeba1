"""Writing the outbox: each event's messages, planned in the event's own transaction."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from aftercare import plan
from aftercare.models import (
    STAFF_KINDS,
    Channel,
    InboundSms,
    Kind,
    Notification,
    Status,
    WaitlistOffer,
)
from clinic.holds import care_refusal
from clinic.models import Clinic, Patient, PreferredChannel, Role, Staff
from core.errors import Conflict, NotAllowed
from sessions.models import (
    Appointment,
    AppointmentStatus,
    CourseStatus,
    NeedlingSession,
    SideEffect,
    TreatmentCourse,
)
from sessions.models.scheduling import LIVE, has_begun, not_begun
from sessions.records.selectors import sessions_left
from sessions.scheduling.selectors import placed_starts

# A message that is still to go may be moved, cancelled or suppressed; any other is history.
OPEN = (Status.PENDING, Status.SUPPRESSED)
ALERT_LIFETIME = timedelta(days=1)
# domain.md (version 2): a patient on clinical hold gets no heat, reminder or rebooking messages.
# The re-rating goes the day before a session, naming it ("before your session on..."): a
# reminder in all but name, planned, moved and cancelled with the appointment's reminder. A
# waitlist offer invites a booking the hold refuses (its offer is withdrawn: waitlist.py).
# An archived patient, no longer booked or treated, is not invited to care either: none of
# these is planned or sent after the archive (aftercare of a session they had, an answer to
# their SMS and word of a booking cancelled still go).
HELD_KINDS = (
    Kind.HEAT_OK,
    Kind.COURSE_REBOOK,
    Kind.APPOINTMENT_REMINDER,
    Kind.OUTCOME_RERATE,
    Kind.WAITLIST_OFFER,
)


def recipient(patient: Patient) -> plan.Recipient:
    return plan.Recipient(
        preferred_channel=patient.preferred_channel,
        sms_consent=patient.sms_consent and bool(patient.phone),
        email_consent=patient.email_consent and bool(patient.email),
        timezone=patient.timezone,
    )


def quiet_hours(clinic: Clinic) -> plan.QuietHours:
    return plan.QuietHours(clinic.quiet_hours_start, clinic.quiet_hours_end)


def _audience(patient: Patient, clinic: Clinic) -> dict[str, Any]:
    """What every plan needs to know of the patient and their clinic, and the time. The clinic
    is the event's: the session or appointment often has it at hand, the patient seldom."""
    return {
        "recipient": recipient(patient),
        "quiet_hours": quiet_hours(clinic),
        "now": timezone.now(),
    }


def _closed_to_care(patient: Patient) -> bool:
    """Whether the patient, as now stored, may be booked or treated no more (on hold or
    archived: clinic.holds.care_refusal), and so is invited to no care (HELD_KINDS)."""
    standing = Patient.objects.values("clinical_hold", "archived_at").get(pk=patient.pk)
    return care_refusal(patient, **standing) is not None


def _write(
    event: str,
    planned: Iterable[plan.PlannedMessage],
    movable: Iterable[str] = OPEN,
    *,
    new: bool = False,
    **links: Any,  # the Notification's fields: its patient, session, course...
) -> None:
    """Create each planned message once; one still `movable` is moved to the new plan. A
    patient on hold is planned none of the held kinds.

    `new`: the event was written in this transaction, for a patient its service found open
    for care and keeps locked (clinic.holds.check_open_for_care), so it has no messages yet
    and its patient no hold: nothing to look up."""
    closed = not new and _closed_to_care(links["patient"])
    by_key = {
        # One per event, kind and channel; `reroute` plans a message on another channel by it.
        f"{event}:{message.kind}:{message.channel}": message
        for message in planned
        if not (closed and message.kind in HELD_KINDS)
    }
    # Otherwise one look for its keys, then one INSERT for the messages not written yet.
    written = set()
    if not new:
        written = set(
            Notification.objects.filter(dedupe_key__in=by_key).values_list("dedupe_key", flat=True)
        )
    for key in sorted(written):  # one order for all: concurrent re-plans never deadlock
        message = by_key[key]
        Notification.objects.filter(dedupe_key=key, status__in=movable).update(
            send_at=message.send_at,
            due_at=message.send_at,
            expires_at=message.expires_at,
            status=message.status,
            queued_until=None,
            updated_at=timezone.now(),
        )
    Notification.objects.bulk_create(
        [
            Notification(
                dedupe_key=key,
                kind=message.kind,
                channel=message.channel,
                send_at=message.send_at,
                due_at=message.send_at,
                expires_at=message.expires_at,
                status=message.status,
                **links,
            )
            for key, message in by_key.items()
            if key not in written
        ],
        ignore_conflicts=True,  # written meanwhile by a concurrent plan: that one stands
    )


def _cancel(messages: QuerySet[Notification]) -> int:
    return messages.filter(status__in=OPEN).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )


def plan_after_session(session: NeedlingSession, *, new: bool = False) -> None:
    """Plan (or re-plan, after a correction) the messages that follow the session's end.

    What the new plan no longer holds is cancelled (heat_ok once heat is not advised); what it
    holds is re-timed, or planned again if an earlier correction had cancelled it. A `new`
    session (just logged, see _write) has nothing to cancel or re-time.
    """
    if session.ended_at is None:
        raise ValueError("Only an ended session has aftercare to plan.")
    patient = session.patient
    planned = plan.plan_for_session(
        ended_at=session.ended_at,
        heat_advised=session.heat_advised,
        **_audience(patient, session.clinic),
    )
    if not new:
        _cancel(
            Notification.objects.filter(session=session, kind__in=plan.SESSION_KINDS).exclude(
                kind__in={message.kind for message in planned}
            )
        )
    _write(
        f"session:{session.pk}",
        planned,
        movable=(*OPEN, Status.CANCELLED),
        new=new,
        clinic_id=session.clinic_id,
        patient=patient,
        session=session,
    )
    if session.course_id is not None:
        _plan_rebook(session, session.course_id, session.ended_at, new=new)


def _plan_rebook(
    session: NeedlingSession, course_id: UUID, ended_at: datetime, *, new: bool
) -> None:
    """Sessions left in the course and none booked: remind the patient to book them."""
    course = TreatmentCourse.objects.get(pk=course_id)
    if not plan.rebooking_due(
        course_active=course.status == CourseStatus.ACTIVE,
        sessions_left=sessions_left(course),
        booked=course.appointments.filter(status=AppointmentStatus.BOOKED).exists(),
    ):
        return
    patient = session.patient
    _write(
        f"course:{course.pk}:after:{session.pk}",  # the session's: new with it
        plan.plan_course_rebook(
            last_session_ended_at=ended_at,
            **_audience(patient, session.clinic),
        ),
        new=new,
        clinic_id=session.clinic_id,
        patient=patient,
        session=session,
        course=course,
    )


def cancel_message(notification: Notification, *, by: Staff) -> Notification:
    """A member of staff stops a message still waiting to go. An alert to the clinic's
    administrators (a serious side effect, red-flag words) is theirs to stop, not a
    therapist's: it is how they hear of a patient in danger."""
    if notification.to_staff and not by.is_clinic_admin:
        raise NotAllowed("Only a clinic administrator can stop an alert to the administrators.")
    if not _cancel(Notification.objects.filter(pk=notification.pk)):
        raise Conflict("invalid_state", "Only a message still waiting to go can be cancelled.")
    notification.refresh_from_db()
    return notification


def cancel_for_session(session: NeedlingSession) -> None:
    _cancel(Notification.objects.filter(session=session))


def cancel_aftercare(session: NeedlingSession) -> None:
    """The session is no longer over (its end was cleared): nothing that follows an end goes."""
    _cancel(
        Notification.objects.filter(
            session=session, kind__in=(*plan.SESSION_KINDS, Kind.COURSE_REBOOK)
        )
    )


# An appointment moved away and back again: the reminder and re-rating its first move cancelled
# are planned again, as for a time it never had (a sent one stands: the patient had it).
BACK_AGAIN = (*OPEN, Status.CANCELLED)


def plan_reminder(appointment: Appointment, *, occasion: str = "") -> None:
    """`occasion` tells a later plan for the same time (after a hold) from the first one."""
    patient = appointment.patient
    _plan_rerate(appointment, occasion)
    _write(
        f"appointment:{appointment.pk}:{appointment.starts_at.isoformat()}{occasion}",
        plan.plan_for_appointment(
            starts_at=appointment.starts_at,
            **_audience(patient, appointment.clinic),
        ),
        BACK_AGAIN,
        clinic_id=appointment.clinic_id,
        patient=patient,
        appointment=appointment,
        course_id=appointment.course_id,
    )
    if appointment.course_id is not None:  # booked now: no need to remind them to book
        cancel_rebooking(appointment.course_id)


def cancel_rebooking(course_id: UUID) -> None:
    """The course was booked or cancelled: no message asks the patient to book it. (Sending
    asks plan.rebooking_due again, for whatever else changed: delivery.Course.wants_rebook.)"""
    _cancel(Notification.objects.filter(course=course_id, kind=Kind.COURSE_REBOOK))


def _plan_rerate(appointment: Appointment, occasion: str = "") -> None:
    """The course's 4th session is booked: the day before it, ask the patient to re-rate.
    Its place counts the course's places before it (placed_starts), sessions logged in the
    course without an appointment too."""
    if appointment.course_id is None or appointment.status not in LIVE:
        return
    places = placed_starts(appointment.course_id)
    place = sum(starts_at <= appointment.starts_at for starts_at in places)  # its own included
    if place != plan.RERATE_BEFORE_SESSION:
        return
    asked = Notification.objects.filter(appointment=appointment, kind=Kind.OUTCOME_RERATE)
    if occasion and asked.exclude(status=Status.CANCELLED).exists():
        return  # after a hold: asked (or still to ask) before it, not to be asked twice
    _write(
        f"course:{appointment.course_id}:rerate:{appointment.pk}:"
        f"{appointment.starts_at.isoformat()}{occasion}",
        plan.plan_rerate(
            starts_at=appointment.starts_at,
            **_audience(appointment.patient, appointment.clinic),
        ),
        BACK_AGAIN,
        clinic_id=appointment.clinic_id,
        patient=appointment.patient,
        appointment=appointment,
        course_id=appointment.course_id,
    )


def send_notice(appointment: Appointment, kind: str, *, was_at: datetime) -> None:
    """Tell the patient their appointment was cancelled or moved, unless it was in the past.
    Once per change: the key names the appointment's time after it and the moment it was
    changed (moved back to a time, it is told again). An older notice of the same appointment
    still waiting says what no longer holds, and is cancelled."""
    event = (
        f"appointment:{appointment.pk}:{kind}:{appointment.starts_at.isoformat()}:"
        f"{appointment.updated_at.isoformat()}"
    )
    _cancel(
        Notification.objects.filter(appointment=appointment, kind__in=plan.NOTICE_KINDS).exclude(
            dedupe_key__startswith=f"{event}:"
        )
    )
    if has_begun(was_at, timezone.now()):
        return
    _write(
        event,
        plan.plan_notice(
            kind=kind,
            starts_at=appointment.starts_at,
            **_audience(appointment.patient, appointment.clinic),
        ),
        clinic_id=appointment.clinic_id,
        patient=appointment.patient,
        appointment=appointment,
        course_id=appointment.course_id,
    )


def cancel_reminders(appointment: Appointment) -> None:
    """Cancelled, moved, missed or treated: its reminder and re-rating message no longer
    hold."""
    _cancel(
        Notification.objects.filter(
            appointment=appointment, kind__in=(Kind.APPOINTMENT_REMINDER, Kind.OUTCOME_RERATE)
        )
    )


def follow_move(appointment: Appointment, *, was_at: datetime) -> None:
    """The appointment was rescheduled: its reminder and re-rating follow its new start, and
    the patient is told. Its end moved alone, or a move sent twice: nothing they were told or
    will be told changes."""
    if appointment.starts_at == was_at:
        return
    cancel_reminders(appointment)
    plan_reminder(appointment)
    send_notice(appointment, Kind.APPOINTMENT_RESCHEDULED, was_at=was_at)


def cancel_while_on_hold(patient: Patient) -> int:
    return _cancel(Notification.objects.filter(patient=patient, kind__in=HELD_KINDS))


def remind_again_after_hold(patient: Patient, hold_id: UUID) -> None:
    """The hold is over: the appointments still booked get their reminders again."""
    booked = patient.appointments.filter(
        not_begun(timezone.now()), status=AppointmentStatus.BOOKED
    ).select_related("patient", "clinic")
    for appointment in booked:
        plan_reminder(appointment, occasion=f":after-hold:{hold_id}")


# Answers to the patient's own SMS go back by SMS whatever they prefer (plan.plan_sms_answer).
SMS_ANSWERS = (Kind.APPOINTMENT_CONFIRMED, Kind.URGENT_CARE)
# Messages that go where they were planned whatever the patient prefers: alerts to staff, and
# answers by SMS to a patient's SMS.
NOT_REROUTED = (*STAFF_KINDS, *SMS_ANSWERS)


def _preferred(patient: Patient) -> list[Channel]:
    return PreferredChannel(patient.preferred_channel).channels()


def reroute(patient: Patient) -> None:
    """The patient changed how they are reached: each message still to go goes as they now
    want it. One on a channel they no longer prefer is cancelled; one on a channel they now
    prefer is planned alike (same moment, same lifetime); each is pending or suppressed as
    planning decides (plan.status_on)."""
    wanted = recipient(patient)
    channels = _preferred(patient)
    still_to_go = Notification.objects.filter(patient=patient, status__in=OPEN).exclude(
        kind__in=NOT_REROUTED
    )
    rows = list(still_to_go.order_by("dedupe_key"))
    _cancel(still_to_go.exclude(channel__in=channels))
    for channel in channels:
        still_to_go.filter(channel=channel).update(
            status=plan.status_on(channel, wanted), updated_at=timezone.now()
        )
    messages: dict[str, tuple[Notification, set[str]]] = {}
    for row in rows:  # each message once (event and kind), with the channels it is planned on
        message = row.dedupe_key.removesuffix(f":{row.channel}")
        messages.setdefault(message, (row, set()))[1].add(row.channel)
    Notification.objects.bulk_create(
        [
            _on_channel(row, f"{message}:{channel}", channel, wanted)
            for message, (row, planned_on) in messages.items()
            for channel in channels
            if channel not in planned_on
        ],
        ignore_conflicts=True,  # sent or cancelled on that channel already: that one stands
    )


def _on_channel(
    row: Notification, key: str, channel: Channel, wanted: plan.Recipient
) -> Notification:
    """The message of `row`, planned alike on another channel."""
    return Notification(
        dedupe_key=key,
        clinic_id=row.clinic_id,
        patient_id=row.patient_id,
        session_id=row.session_id,
        appointment_id=row.appointment_id,
        course_id=row.course_id,
        waitlist_offer_id=row.waitlist_offer_id,
        kind=row.kind,
        channel=channel,
        send_at=row.send_at,
        due_at=row.due_at,
        expires_at=row.expires_at,
        status=plan.status_on(channel, wanted),
    )


def cancel_for_patient(patient: Patient) -> int:
    return _cancel(Notification.objects.filter(patient=patient))


# What a patient may change while a message to them is on its way: read again as it goes.
STANDING = (
    "phone",
    "email",
    "preferred_channel",
    "sms_consent",
    "email_consent",
    "clinical_hold",
    "archived_at",
)


def read_standing(patients: Iterable[Patient]) -> None:
    """Read again, in one query, what decides whether a message may go to these patients
    (consent, address, hold, archive), into the instances given: a STOP, a hold or the
    archive may come while a batch of their messages is sent."""
    instances: dict[UUID, list[Patient]] = {}
    for patient in patients:
        instances.setdefault(patient.pk, []).append(patient)
    for row in Patient.objects.filter(pk__in=instances).values("pk", *STANDING):
        for patient in instances[row.pop("pk")]:
            for name, value in row.items():
                setattr(patient, name, value)


def status_as_they_stand(notification: Notification) -> str:
    """A message to a patient, about to go, as the outbox would have it had it still been
    waiting when the patient last changed (as `read_standing` last read them). Cancelled if
    their hold or archive would have cancelled it (`cancel_while_on_hold`,
    `cancel_for_patient`: the archive, what was planned before it) or kept it from being
    planned (`_write`: none of HELD_KINDS for either), or its channel is no longer one they
    prefer (`reroute`), else pending or suppressed as planning decides (`plan.status_on`)."""
    patient = notification.patient
    if patient.archived_at is not None and notification.created_at <= patient.archived_at:
        return Status.CANCELLED
    closed = care_refusal(
        patient, clinical_hold=patient.clinical_hold, archived_at=patient.archived_at
    )
    if closed and notification.kind in HELD_KINDS:
        return Status.CANCELLED
    channel = Channel(notification.channel)
    if notification.kind not in NOT_REROUTED and channel not in _preferred(patient):
        return Status.CANCELLED  # as `reroute` cancels one on a channel no longer preferred
    return plan.status_on(channel, recipient(patient))


def alert_clinic(side_effect: SideEffect) -> None:
    """A serious side effect: the treating therapist and every administrator of the clinic
    are emailed at once. Someone without an email address still gets the alert's row, which
    fails visibly (delivery) rather than leaving no trace. A therapist since moved to another
    clinic is no longer told of this one's patients."""
    recipients = Staff.objects.filter(
        Q(role=Role.ADMIN) | Q(pk=side_effect.session.therapist_id),
        clinic=side_effect.clinic_id,
        is_active=True,
    )
    _alert_staff(
        recipients,
        f"side_effect:{side_effect.pk}:{Kind.SIDE_EFFECT_ALERT}",
        Kind.SIDE_EFFECT_ALERT,
        clinic_id=side_effect.clinic_id,
        patient_id=side_effect.patient_id,
        session_id=side_effect.session_id,
        side_effect=side_effect,
    )


def tell_clinic_of_sms(inbound: InboundSms, kind: str) -> None:
    """What the patient's SMS did that the clinic's administrators hear of at once: a
    cancellation, or red-flag words with no session to report them against."""
    _alert_staff(
        Staff.objects.filter(role=Role.ADMIN, clinic=inbound.clinic_id, is_active=True),
        f"inbound:{inbound.pk}:{kind}",
        kind,
        clinic_id=inbound.clinic_id,
        patient_id=inbound.patient_id,
        appointment_id=inbound.appointment_id,
    )


def _alert_staff(recipients: QuerySet[Staff], event: str, kind: str, **links: object) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                dedupe_key=f"{event}:{staff.pk}",
                staff=staff,
                kind=kind,
                channel=Channel.EMAIL,
                send_at=now,
                due_at=now,
                expires_at=now + ALERT_LIFETIME,
                **links,
            )
            for staff in recipients
        ],
        ignore_conflicts=True,  # a replayed event: the alerts already written stand
    )


def answer_sms(inbound: InboundSms, kind: str, *, event: str) -> None:
    """An answer to the patient's SMS, once per `event` (a replayed webhook plans none)."""
    patient = inbound.patient
    _write(
        event,
        plan.plan_sms_answer(kind, **_audience(patient, patient.clinic)),
        clinic_id=inbound.clinic_id,
        patient=patient,
        appointment=inbound.appointment,
    )


def offer_slot(offer: WaitlistOffer, lifetime: timedelta, now: datetime) -> datetime:
    """Plan the offer's messages, as of `now`; returns until when the offer stands."""
    patient = offer.entry.patient
    audience = _audience(patient, patient.clinic) | {"now": now}
    planned = plan.plan_offer(lifetime=lifetime, slot_starts_at=offer.freed.starts_at, **audience)
    _write(
        f"offer:{offer.pk}",
        planned,
        clinic_id=offer.clinic_id,
        patient=patient,
        appointment=offer.freed,
        waitlist_offer=offer,
    )
    return max((m.expires_at for m in planned), default=audience["now"] + lifetime)


def withdraw_sms_consent(phone: str) -> None:
    """The patient texted STOP: no more SMS to anyone on the number, and none of those still
    planned will go (`reroute` suppresses them, as when staff untick the consent)."""
    patients = list(Patient.objects.filter(phone=phone, sms_consent=True))
    _set_sms_consent(patients, False, stopped_at=timezone.now())
    # The answers to their texts too, which reroute leaves where they were planned.
    Notification.objects.filter(
        patient__in=patients, channel=Channel.SMS, status=Status.PENDING, kind__in=SMS_ANSWERS
    ).update(status=Status.SUPPRESSED, updated_at=timezone.now())


def _set_sms_consent(patients: list[Patient], consent: bool, stopped_at: datetime | None) -> None:
    """The number's STOP or START, for each of these patients: their consent, and the messages
    still to go as they now want them (`reroute`)."""
    Patient.objects.filter(pk__in=[p.pk for p in patients]).update(
        sms_consent=consent, sms_stopped_at=stopped_at
    )
    for patient in patients:
        patient.sms_consent, patient.sms_stopped_at = consent, stopped_at
        reroute(patient)


def withdraw_email_consent(patient: Patient) -> None:
    """The patient stopped the clinic's emails from a link in one: no more emails, and none of
    those still planned will go (`reroute`; the alerts about them to staff are not theirs to
    stop). Only this patient of this clinic: the address may be another's too (a relative's),
    who did not ask."""
    patient.email_consent = False
    if Patient.objects.filter(pk=patient.pk, email_consent=True).update(email_consent=False):
        reroute(patient)  # once: a mail program may send its one-click stop again


def restore_sms_consent(phone: str) -> int:
    """The patient texted START: the consent their STOP withdrew is back, and the messages it
    suppressed go after all, as when staff tick the consent again (`reroute`), the answers to
    their texts too. Someone else on the number (a relative, a patient of another clinic) who
    never consented stays without SMS."""
    patients = list(Patient.objects.filter(phone=phone, sms_stopped_at__isnull=False))
    _set_sms_consent(patients, True, stopped_at=None)
    Notification.objects.filter(
        patient__in=patients,
        channel=Channel.SMS,
        status=Status.SUPPRESSED,
        kind__in=SMS_ANSWERS,
        expires_at__gt=timezone.now(),  # one too late stays as it was: it would never go
    ).update(status=Status.PENDING, updated_at=timezone.now())
    return len(patients)
