"""Aftercare listens to what happened in the clinic (sessions.events, clinic.events) and plans
or cancels messages."""

from django.dispatch import receiver

from aftercare import outbox, waitlist
from aftercare.models import Kind
from clinic import events as clinic_events
from sessions import events
from sessions.models import AppointmentStatus


@receiver(events.session_completed, dispatch_uid="aftercare.session_completed")
def session_completed(sender, session, new=False, **kwargs):
    outbox.plan_after_session(session, new=new)


@receiver(events.session_reopened, dispatch_uid="aftercare.session_reopened")
def session_reopened(sender, session, **kwargs):
    outbox.cancel_aftercare(session)


@receiver(events.session_deleted, dispatch_uid="aftercare.session_deleted")
def session_deleted(sender, session, **kwargs):
    outbox.cancel_for_session(session)


@receiver(events.appointment_booked, dispatch_uid="aftercare.appointment_booked")
def appointment_booked(sender, appointment, **kwargs):
    outbox.plan_reminder(appointment)


@receiver(events.appointment_rescheduled, dispatch_uid="aftercare.appointment_rescheduled")
def appointment_rescheduled(sender, appointment, previous_starts_at, **kwargs):
    outbox.follow_move(appointment, was_at=previous_starts_at)


@receiver(events.appointment_cancelled, dispatch_uid="aftercare.appointment_cancelled")
def appointment_cancelled(sender, appointment, **kwargs):
    outbox.cancel_reminders(appointment)
    if appointment.status == AppointmentStatus.CANCELLED:  # a no-show is not told anything
        outbox.send_notice(appointment, Kind.APPOINTMENT_CANCELLED, was_at=appointment.starts_at)
    waitlist.offer_freed_slot(appointment)  # a no-show frees nothing: it does not offer


@receiver(events.appointment_completed, dispatch_uid="aftercare.appointment_completed")
def appointment_completed(sender, appointment, **kwargs):
    # Treated already (a patient seen before their time): nothing left to remind them of.
    outbox.cancel_reminders(appointment)


@receiver(events.appointment_reopened, dispatch_uid="aftercare.appointment_reopened")
def appointment_reopened(sender, appointment, after_session, **kwargs):
    # Booked again: reminded again, once per session deleted (its own key).
    outbox.plan_reminder(appointment, occasion=f":after-draft:{after_session}")


@receiver(events.course_cancelled, dispatch_uid="aftercare.course_cancelled")
def course_cancelled(sender, course, **kwargs):
    outbox.cancel_rebooking(course.pk)


@receiver(events.side_effect_reported, dispatch_uid="aftercare.side_effect_reported")
def side_effect_reported(sender, side_effect, **kwargs):
    if side_effect.serious:
        outbox.alert_clinic(side_effect)


@receiver(clinic_events.hold_placed, dispatch_uid="aftercare.hold_placed")
def hold_placed(sender, patient, **kwargs):
    outbox.cancel_while_on_hold(patient)
    waitlist.withdraw_offers(patient)


@receiver(clinic_events.hold_released, dispatch_uid="aftercare.hold_released")
def hold_released(sender, patient, hold, **kwargs):
    outbox.remind_again_after_hold(patient, hold.pk)


@receiver(clinic_events.patient_archived, dispatch_uid="aftercare.patient_archived")
def patient_archived(sender, patient, **kwargs):
    outbox.cancel_for_patient(patient)
    waitlist.withdraw_offers(patient)


@receiver(clinic_events.contact_changed, dispatch_uid="aftercare.contact_changed")
def contact_changed(sender, patient, **kwargs):
    outbox.reroute(patient)
