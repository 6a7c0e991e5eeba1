"""Reads for scheduling."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db.models import Q, QuerySet

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
    """Live appointments of the therapist, patient or room that touch [start, end)."""
    whose = Q(therapist=therapist)
    if patient is not None:
        whose |= Q(patient=patient)
    if room is not None:
        whose |= Q(room=room)
    return list(_live_within(start, end).filter(whose).values_list("starts_at", "ends_at"))


def busy_patients(
    patient_ids: Iterable[UUID], *, start: datetime, end: datetime
) -> dict[UUID, list[tuple[datetime, datetime]]]:
    """The live appointments of these patients that touch [start, end), by patient: one
    query for all of them."""
    busy: dict[UUID, list[tuple[datetime, datetime]]] = {}
    rows = _live_within(start, end).filter(patient__in=list(patient_ids))
    for patient_id, starts_at, ends_at in rows.values_list("patient_id", "starts_at", "ends_at"):
        busy.setdefault(patient_id, []).append((starts_at, ends_at))
    return busy


def _live_within(start: datetime, end: datetime) -> QuerySet[Appointment]:
    """Live appointments touching [start, end). Bounded on both sides of starts_at, so each
    index scan reads the window, not the history."""
    return Appointment.objects.filter(
        status__in=LIVE,
        starts_at__gt=start - LONGEST_APPOINTMENT,
        starts_at__lt=end,
        ends_at__gt=start,
    )


def next_booked(patient: Patient, now: datetime) -> Appointment | None:
    """The patient's next appointment still to come, the one a reply to a reminder means."""
    return (
        patient.appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
