"""Acting on a patient's SMS: each clinic that knows the number acts for its own patient.

A number may belong to patients of several clinics (one phone, two clinics): each gets its own
row and its own action, and nothing of one clinic's reaches the other. A number shared by
several patients (a family's phone, in one clinic or across clinics) cannot say whose
appointment or soreness it means: within one clinic such a reply is kept for staff, and so is
one that more than one of the number's patients, in any clinics, could be answering (with an
appointment to confirm or cancel, or a check-in to score). Red-flag words alert for every one
of them (a missed alert costs more than a needless call).
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from aftercare import outbox, plan, replies
from aftercare.models import InboundSms, Kind, Notification, ReplyAction, Status
from clinic.holds import place_on_hold
from clinic.models import Patient
from core.errors import Conflict
from sessions.models import NeedlingSession, Reporter, Severity, SideEffectKind
from sessions.records.services import report_side_effect
from sessions.scheduling.selectors import next_booked
from sessions.scheduling.services import cancel_appointment, confirm_appointment

CANCEL_REASON = "patient_sms"
SHARED_IN_CLINIC = "Several patients of the clinic share this number."
# Says nothing of whom else the number reaches: another clinic's patient is not this one's
# business.
SHARED_ACROSS_CLINICS = "Could not tell which patient or appointment this reply is about."


@transaction.atomic
def receive(*, from_number: str, body: str, provider_id: str) -> list[InboundSms]:
    """Keep the message once per patient with that number and act on it; a replay of the
    same provider message finds its rows already there and does nothing again."""
    # A provider's retry of a message kept already changes nothing, consent included (an old
    # START retried after a later STOP would give back what the STOP withdrew), nor is it
    # kept for a patient registered on the number since.
    if provider_id and (earlier := list(InboundSms.objects.filter(provider_id=provider_id))):
        return earlier
    reply = replies.read_reply(body)
    if reply.intent == replies.STOP:  # the carrier stops every sender's SMS to the number
        outbox.withdraw_sms_consent(from_number)
    elif reply.intent == replies.START:
        outbox.restore_sms_consent(from_number)
    # In the order they were registered: who answers for a number a family shares is fixed.
    patients = list(
        Patient.objects.filter(phone=from_number).select_related("clinic").order_by("created_at")
    )
    # Every message is kept and acted on (api.md), an archived patient's too: an X cancels a
    # booking archiving left in place, a score reports soreness after care they had.
    now = timezone.now()
    shared = _shared(patients, reply, now)
    answered = _answered(patients)
    kept = []
    for patient in patients:
        fields = dict(
            clinic_id=patient.clinic_id, from_number=from_number, body=body, action=ReplyAction.KEPT
        )
        if provider_id:
            inbound, created = InboundSms.objects.get_or_create(
                provider_id=provider_id, patient=patient, defaults=fields
            )
        else:  # no provider id to know a replay by
            inbound, created = InboundSms.objects.create(patient=patient, **fields), True
        if created:
            _act(
                inbound,
                reply,
                shared=shared.get(patient.pk, ""),
                answered=patient.pk in answered,
                now=now,
            )
        kept.append(inbound)
    return kept


def _shared(patients: list[Patient], reply: replies.Reply, now: datetime) -> dict[UUID, str]:
    """Why a reply about one patient's care cannot be acted on for each patient it cannot be
    (by id). A clinic with several patients on the number cannot tell whose it is; and when
    more than one of the number's patients, in any clinics, could be answering, no clinic can
    tell whether it is its own."""
    could_mean = ABOUT_ONE_PATIENT.get(reply.intent)
    if could_mean is None or len(patients) < 2:  # the number's one patient is the one meant
        return {}
    meant = [patient.pk for patient in patients if could_mean(patient, now)]
    why = dict.fromkeys(meant, SHARED_ACROSS_CLINICS) if len(meant) > 1 else {}
    per_clinic = Counter(patient.clinic_id for patient in patients)
    return why | {p.pk: SHARED_IN_CLINIC for p in patients if per_clinic[p.clinic_id] > 1}


def _answered(patients: list[Patient]) -> set[UUID]:
    """For whom of each clinic's patients on the number an answer to the number is planned
    (one per clinic): the first registered who takes SMS, as a parent's consent answers for the
    number their family shares; else the first whose STOP a START may undo; else the first."""
    by_clinic: dict[UUID, list[Patient]] = {}
    for patient in patients:
        by_clinic.setdefault(patient.clinic_id, []).append(patient)
    return {
        next(
            (p for p in group if p.sms_consent),
            next((p for p in group if p.sms_stopped_at), group[0]),
        ).pk
        for group in by_clinic.values()
    }


def _act(
    inbound: InboundSms, reply: replies.Reply, *, shared: str, answered: bool, now: datetime
) -> None:
    if reply.intent == replies.RED_FLAG:
        _raise_alert(inbound, reply.red_flags, answered=answered)
    elif reply.intent in (replies.STOP, replies.START):
        opted = ReplyAction.OPTED_OUT if reply.intent == replies.STOP else ReplyAction.OPTED_IN
        _record(inbound, opted)
    elif reply.intent == replies.OTHER:
        _record(inbound, ReplyAction.KEPT)
    elif shared:
        _record(inbound, ReplyAction.KEPT, shared)
    elif reply.intent == replies.SORENESS:
        if reply.score is None:
            raise ValueError("A soreness reply carries its score.")
        _record_soreness(inbound, reply.score, now)
    else:
        _answer_appointment(inbound, reply.intent, now)


def _record(inbound: InboundSms, action: str, detail: str = "", **links: object) -> None:
    inbound.action, inbound.detail = action, detail[:500]
    for name, value in links.items():
        setattr(inbound, name, value)
    inbound.save()


def _answer_appointment(inbound: InboundSms, intent: str, now: datetime) -> None:
    appointment = next_booked(inbound.patient, now)
    if appointment is None:
        _record(inbound, ReplyAction.KEPT, "No appointment booked to confirm or cancel.")
        return
    try:
        with transaction.atomic():
            if intent == replies.CONFIRM:
                confirm_appointment(appointment)
            else:
                cancel_appointment(appointment, reason=CANCEL_REASON)
    except Conflict as refusal:
        _record(inbound, ReplyAction.KEPT, refusal.detail)
        return
    if intent == replies.CONFIRM:
        _record(inbound, ReplyAction.CONFIRMED, appointment=appointment)
        outbox.answer_sms(inbound, Kind.APPOINTMENT_CONFIRMED, event=f"inbound:{inbound.pk}")
    else:
        _record(inbound, ReplyAction.CANCELLED, appointment=appointment)
        outbox.tell_clinic_of_sms(inbound, Kind.PATIENT_CANCELLED)


def last_checkin_session(patient: Patient, now: datetime) -> NeedlingSession | None:
    """The session of the check-in sent to the patient within the last 72 hours, if any."""
    checkin = (
        Notification.objects.filter(
            patient=patient,
            kind=Kind.CHECKIN_24H,
            status__in=[Status.SENT, Status.DELIVERED],
            sent_at__gte=now - plan.CHECKIN_STANDS,
            session__isnull=False,
        )
        .select_related("session")
        .order_by("-sent_at")
        .first()
    )
    return checkin.session if checkin else None


def _has_next_booked(patient: Patient, now: datetime) -> bool:
    return next_booked(patient, now) is not None


def _was_checked_in(patient: Patient, now: datetime) -> bool:
    return last_checkin_session(patient, now) is not None


# The replies about one patient's care, and whether a patient could be the one answering.
ABOUT_ONE_PATIENT: dict[str, Callable[[Patient, datetime], bool]] = {
    replies.CONFIRM: _has_next_booked,
    replies.CANCEL: _has_next_booked,
    replies.SORENESS: _was_checked_in,
}


def _record_soreness(inbound: InboundSms, score: int, now: datetime) -> None:
    session = last_checkin_session(inbound.patient, now)
    if session is None:
        _record(inbound, ReplyAction.KEPT, "A number, but no check-in was sent in the last 72 h.")
        return
    severity = replies.severity_of(score)
    if severity is None:
        _record(inbound, ReplyAction.SORENESS, "Soreness 0/10: nothing to record.")
        return
    side_effect = report_side_effect(
        session=session,
        kind=SideEffectKind.SORENESS_AFTER,
        severity=severity,
        reported_by=Reporter.PATIENT,
        notes=f"Soreness {score}/10, by SMS reply to the check-in.",
    )
    _record(inbound, ReplyAction.SORENESS, f"Soreness {score}/10.", side_effect=side_effect)


def _raise_alert(inbound: InboundSms, kinds: tuple[str, ...], *, answered: bool) -> None:
    """Red-flag words: a serious side effect on the latest session (hold and alerts follow),
    and at once the advice to seek urgent care: one answer per message and clinic, planned for
    the patient the clinic answers the number for (`_answered`), in their language, naming the
    clinic that was told.
    With no ended session to report against (a draft, or none), the patient is held all the
    same, so nothing books them back in before someone has called, and the administrators
    are told."""
    session = (
        NeedlingSession.objects.filter(patient=inbound.patient, ended_at__isnull=False)
        .order_by("-ended_at")
        .first()
    )
    side_effect = None
    # The patient gave no severity; words that need urgent care are taken as severe.
    if session is not None:
        for kind in kinds:
            side_effect = report_side_effect(
                session=session,
                kind=kind,
                severity=Severity.SEVERE,
                reported_by=Reporter.PATIENT,
                notes=f"By SMS: {inbound.body[:1000]}",
            )
    detail = ""
    if session is None:  # no report, so no hold or alert follows one
        place_on_hold(inbound.patient, reason=f"Red-flag words by SMS: {inbound.body[:1000]}")
        outbox.tell_clinic_of_sms(inbound, Kind.RED_FLAG_ALERT)
        detail = (
            "No ended session on record to report against: placed on clinical hold, "
            "administrators alerted to call."
        )
    _record(inbound, ReplyAction.RED_FLAG, detail, side_effect=side_effect)
    if answered:
        message = inbound.provider_id or inbound.pk
        outbox.answer_sms(inbound, Kind.URGENT_CARE, event=f"sms:{message}:{inbound.clinic_id}")
