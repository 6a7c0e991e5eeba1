"""Reads for scheduling."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db.models import F, Q, QuerySet

from clinic.models import Patient, Room, Staff
from sessions.models import Appointment, AppointmentStatus, NeedlingSession
from sessions.models.scheduling import LIVE, LONGEST_APPOINTMENT, not_begun
from sessions.slots import Shift

# A session logged in a course takes a place of its own there, unless it took place in one of
# the course's appointments and so takes that one's place (records.services says the same of a
# session in hand, _own_place).
TAKES_OWN_PLACE = Q(appointment__isnull=True) | ~Q(appointment__course=F("course"))


def placed_starts(course_id: UUID, besides_appointment: UUID | None = None) -> list[datetime]:
    """When each of a course's places begins: its live appointments (but the one being moved)
    and the sessions logged in it that take a place of their own, in one query."""
    # `id__in=[None]` excludes nothing: Django leaves None out of an IN list.
    booked = Appointment.objects.filter(course=course_id, status__in=LIVE).exclude(
        id__in=[besides_appointment]
    )
    logged = NeedlingSession.objects.filter(TAKES_OWN_PLACE, course=course_id)
    return list(
        booked.values_list("starts_at", flat=True).union(
            logged.values_list("started_at", flat=True), all=True
        )
    )


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
        patient.appointments.filter(not_begun(now), status=AppointmentStatus.BOOKED)
        .order_by("starts_at")
        .first()
    )
