"""Reads for scheduling."""

from datetime import datetime

from django.db.models import Q

from clinic.models import Patient, Room, Staff
from sessions.models import Appointment, AppointmentStatus
from sessions.models.scheduling import LIVE, LONGEST_APPOINTMENT
from sessions.slots import Shift


def shifts_of(therapist: Staff) -> list[Shift]:
    return [Shift(block.weekday, block.start, block.end) for block in therapist.working_hours.all()]


def busy_intervals(
    *,
    start: datetime,
    end: datetime,
    therapist: Staff,
    patient: Patient | None = None,
    room: Room | None = None,
) -> list[tuple[datetime, datetime]]:
    """Live appointments of the therapist, patient or room that touch [start, end).

    Bounded on both sides of starts_at, so each index scan reads the window, not the history.
    """
    whose = Q(therapist=therapist)
    if patient is not None:
        whose |= Q(patient=patient)
    if room is not None:
        whose |= Q(room=room)
    return list(
        Appointment.objects.filter(
            whose,
            status__in=LIVE,
            starts_at__gt=start - LONGEST_APPOINTMENT,
            starts_at__lt=end,
            ends_at__gt=start,
        ).values_list("starts_at", "ends_at")
    )


def next_booked(patient: Patient, now: datetime) -> Appointment | None:
    """The patient's next appointment still to come, the one a reply to a reminder means."""
    return (
        patient.appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
