"""Booking: appointments and treatment courses. Each function is one transaction.

The API, the admin and the staff app all book through here, so the rules on times (below)
and the clinical hold (clinic.holds) hold for every one of them. Rescheduling onto a new time
is a booking too: a patient on hold keeps the appointments they have, but none moves.

The overlap check here gives the friendly answer (and is the guarantee on SQLite, where every
transaction is IMMEDIATE); on PostgreSQL the exclusion constraints are the guarantee, and a
violation of one is answered exactly like the check's.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.holds import check_open_for_care
from clinic.models import Clinic, Patient, Room, Staff
from core import moments
from core.errors import Conflict, RuleViolation
from sessions import events, slots
from sessions.belonging import check_patients_own
from sessions.models import Appointment, AppointmentStatus, CourseStatus, TreatmentCourse
from sessions.models.scheduling import (
    COURSE_SESSIONS,
    DEFAULT_MAX_GAP_DAYS,
    DEFAULT_MIN_GAP_DAYS,
    DEFAULT_MINUTES,
    DEFAULT_SESSIONS,
    GAP_DAYS,
    LIVE,
    LONGEST_APPOINTMENT,
    SESSION_MINUTES,
    has_begun,
    not_begun,
)
from sessions.scheduling.selectors import busy_intervals, placed_starts, shifts_of

HORIZON = timedelta(weeks=12)
NO_OVERLAP_CONSTRAINTS = frozenset(
    {
        "appointment_therapist_no_overlap",
        "appointment_room_no_overlap",
        "appointment_patient_no_overlap",
    }
)


def check_appointment_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """An appointment ends after it starts, starts in the future and lasts at most 8 hours.

    Field errors (the API answers them as 400s on the field, the admin next to the field)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "Must be after starts_at."})
    if has_begun(starts_at, now):  # not even in a slot already under way
        raise ValidationError({"starts_at": "Must not be in the past."})
    if ends_at - starts_at > LONGEST_APPOINTMENT:
        raise ValidationError({"ends_at": "An appointment lasts at most 8 hours."})


def course_gap_problem(day: date, other_days: Iterable[date], min_gap_days: int) -> str | None:
    """Sessions of a course are at least its least gap apart, in calendar days on the clinic's
    clock (its greatest gap is the plan's aim, not a wall: a patient away is booked later)."""
    for other in sorted(other_days):
        apart = abs((other - day).days)
        if apart < min_gap_days:
            return (
                f"Must be at least {min_gap_days} days from the course's other sessions; one is "
                f"on {other:%Y-%m-%d}, {apart} day{'s' if apart != 1 else ''} away."
            )
    return None


def check_course_has_room(
    course_id: UUID, *, besides_appointment: UUID | None = None
) -> tuple[TreatmentCourse, list[datetime]]:
    """A course takes one more session, booked or logged: it goes on (neither cancelled nor
    completed) and holds fewer than its planned sessions, counting its places
    (`placed_starts`, the appointment being moved aside). The course is locked, so two
    placements into it take turns. The locked course and the places it counted, for a
    booking to check its gap against."""
    course = TreatmentCourse.objects.select_for_update().get(pk=course_id)
    if course.status != CourseStatus.ACTIVE:
        raise Conflict(
            "invalid_state",
            f"The course is {course.get_status_display().lower()}: nothing more is booked or "
            "logged in it.",
        )
    places = placed_starts(course_id, besides_appointment)
    if len(places) >= course.planned_sessions:
        raise Conflict(
            "invalid_state",
            f"All {course.planned_sessions} sessions of the course are booked or done.",
        )
    return course, places


def _check_fits_course(appointment: Appointment) -> None:
    """An appointment of a course: the course has room for it, and it keeps the course's least
    gap from the others."""
    if appointment.course_id is None:
        return
    course, places = check_course_has_room(
        appointment.course_id, besides_appointment=appointment.pk
    )
    tz = ZoneInfo(appointment.clinic.timezone)
    problem = course_gap_problem(
        appointment.starts_at.astimezone(tz).date(),
        [starts_at.astimezone(tz).date() for starts_at in places],
        course.min_gap_days,
    )
    if problem:
        raise ValidationError({"starts_at": problem})


def course_start(earliest_start: datetime | None, now: datetime) -> datetime:
    """Where a course's plan begins: never in the past (plan from now instead)."""
    return max(earliest_start or now, now)


def check_course_shape(
    *,
    planned_sessions: int,
    session_minutes: int,
    min_gap_days: int,
    max_gap_days: int,
    earliest_start: datetime | None = None,
) -> None:
    """A course of 1-12 sessions of 5-480 minutes each, 1-60 local days apart (the fewest no
    more than the most), starting within the moments the clinic works with. Field errors."""
    given = {
        "planned_sessions": (planned_sessions, COURSE_SESSIONS),
        "session_minutes": (session_minutes, SESSION_MINUTES),
        "min_gap_days": (min_gap_days, GAP_DAYS),
        "max_gap_days": (max_gap_days, GAP_DAYS),
    }
    errors = {
        name: f"Must be from {allowed.start} to {allowed[-1]}."
        for name, (value, allowed) in given.items()
        if value not in allowed
    }
    if not errors and min_gap_days > max_gap_days:
        errors["max_gap_days"] = "Must not be below min_gap_days."
    if earliest_start is not None and not moments.in_range(earliest_start):
        errors["earliest_start"] = moments.OUT_OF_RANGE
    if errors:
        raise ValidationError(errors)


def _double_booked(who: str) -> Conflict:
    return Conflict("double_booked", f"The {who} already has an appointment at that time.")


def works_here(therapist: Staff, clinic: Clinic) -> bool:
    """Whether the therapist is booked at the clinic: active, and on its staff (a therapist
    who left or moved keeps the appointments made before, to be cancelled)."""
    return therapist.is_active and therapist.clinic_id == clinic.pk


def bookable_slots(
    therapist: Staff, clinic: Clinic, *, start: datetime, end: datetime, minutes: int
) -> list[slots.Interval]:
    """The free slots of `minutes` in [start, end) that booking would accept: none of one who
    no longer works here, none already begun."""
    if not works_here(therapist, clinic):
        return []
    now = timezone.now()
    free = slots.free_slots(
        shifts=shifts_of(therapist),
        tz=ZoneInfo(clinic.timezone),
        busy=busy_intervals(therapist=therapist, start=start, end=end),
        window_start=start,
        window_end=end,
        minutes=minutes,
    )
    return [(starts_at, ends_at) for starts_at, ends_at in free if not has_begun(starts_at, now)]


def _check_bookable(therapist: Staff, clinic: Clinic) -> None:
    """Only someone who still works at the clinic is booked (a field error, as a therapist the
    staff app no longer offers)."""
    if not works_here(therapist, clinic):
        raise ValidationError(
            {"therapist": f"{therapist} no longer works here: choose another therapist."}
        )


def _check_within_working_hours(therapist: Staff, starts_at: datetime, ends_at: datetime) -> None:
    zone = therapist.own_clinic.timezone
    if not slots.within_working_hours(
        shifts=shifts_of(therapist), tz=ZoneInfo(zone), starts_at=starts_at, ends_at=ends_at
    ):
        raise RuleViolation(
            "outside_working_hours",
            f"{therapist} does not work then (working hours are in {zone}).",
        )


def _check_free(appointment: Appointment) -> None:
    overlapping = Appointment.objects.filter(
        status__in=LIVE, starts_at__lt=appointment.ends_at, ends_at__gt=appointment.starts_at
    ).exclude(pk=appointment.pk)
    if overlapping.filter(therapist=appointment.therapist_id).exists():
        raise _double_booked("therapist")
    if appointment.room_id and overlapping.filter(room=appointment.room_id).exists():
        raise _double_booked("room")
    if overlapping.filter(patient=appointment.patient_id).exists():
        raise _double_booked("patient")


def _save_free(appointment: Appointment) -> None:
    """Save `appointment` if its therapist, room and patient are free then."""
    _check_free(appointment)
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if constraint in NO_OVERLAP_CONSTRAINTS:
            raise _double_booked(constraint.split("_")[1]) from error
        raise


@transaction.atomic
def book_appointment(
    *,
    clinic: Clinic,
    patient: Patient,
    therapist: Staff,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None = None,
    course: TreatmentCourse | None = None,
) -> Appointment:
    check_patients_own(patient, course=course)
    check_appointment_times(starts_at, ends_at, timezone.now())
    _check_bookable(therapist, clinic)
    check_open_for_care(patient)
    _check_within_working_hours(therapist, starts_at, ends_at)
    appointment = Appointment(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        room=room,
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    _check_fits_course(appointment)
    _save_free(appointment)
    events.appointment_booked.send(sender=Appointment, appointment=appointment)
    return appointment


# What another request may change while this one works on an appointment.
_CHANGEABLE = ("status", "starts_at", "ends_at", "confirmed_at", "cancel_reason")


def _lock(appointment: Appointment) -> None:
    """Lock the appointment's row until the transaction ends and read its state as committed:
    a change made meanwhile (a cancellation by SMS during a move) is seen, never written over.
    Callers that also lock the patient lock the patient first, as booking and logging do."""
    appointment.refresh_from_db(
        fields=_CHANGEABLE, from_queryset=Appointment.objects.select_for_update()
    )


def _require_booked(appointment: Appointment, action: str) -> None:
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(
            "invalid_state",
            f"Only a booked appointment can be {action}; this one is "
            f"{appointment.get_status_display().lower()}.",
        )


@transaction.atomic
def reschedule_appointment(
    appointment: Appointment, *, starts_at: datetime, ends_at: datetime
) -> Appointment:
    check_appointment_times(starts_at, ends_at, timezone.now())
    check_open_for_care(appointment.patient)  # the patient's row first, then the appointment's
    _lock(appointment)
    _require_booked(appointment, "rescheduled")
    if not works_here(appointment.therapist, appointment.clinic):
        raise Conflict(
            "invalid_state",
            f"{appointment.therapist} no longer works here: cancel the appointment and book "
            "the patient with another therapist.",
        )
    _check_within_working_hours(appointment.therapist, starts_at, ends_at)
    as_stored = (appointment.starts_at, appointment.ends_at, appointment.confirmed_at)
    previous_starts_at = appointment.starts_at
    if starts_at != previous_starts_at:
        appointment.confirmed_at = None  # the patient confirmed the old time, not this one
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    try:
        _check_fits_course(appointment)
        _save_free(appointment)
    except (Conflict, ValidationError):  # refused: the caller's instance stays as stored
        appointment.starts_at, appointment.ends_at, appointment.confirmed_at = as_stored
        raise
    events.appointment_rescheduled.send(
        sender=Appointment, appointment=appointment, previous_starts_at=previous_starts_at
    )
    return appointment


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, reason: str = "") -> Appointment:
    _lock(appointment)
    _require_booked(appointment, "cancelled")
    appointment.status, appointment.cancel_reason = AppointmentStatus.CANCELLED, reason
    appointment.save(update_fields=["status", "cancel_reason", "updated_at"])
    events.appointment_cancelled.send(sender=Appointment, appointment=appointment)
    return appointment


@transaction.atomic
def confirm_appointment(appointment: Appointment) -> Appointment:
    """The patient said they will come. Confirming twice keeps the first moment."""
    _lock(appointment)
    _require_booked(appointment, "confirmed")
    if appointment.confirmed_at is None:
        appointment.confirmed_at = timezone.now()
        appointment.save(update_fields=["confirmed_at", "updated_at"])
    return appointment


@transaction.atomic
def mark_no_show(appointment: Appointment) -> Appointment:
    _lock(appointment)
    _require_booked(appointment, "marked as a no-show")
    if not has_begun(appointment.starts_at, timezone.now()):
        # Marked ahead by a slip, it would free the slot and cancel the patient's reminder.
        raise Conflict(
            "invalid_state",
            "The appointment has not begun: a patient is marked as a no-show once its time "
            "has come. Cancel it instead if they will not come.",
        )
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    events.appointment_cancelled.send(sender=Appointment, appointment=appointment)
    return appointment


@transaction.atomic
def complete_appointment(appointment: Appointment) -> Appointment:
    """A session was logged against it (its course is settled by the session's sessions done,
    sessions.records.services)."""
    _lock(appointment)
    _require_booked(appointment, "completed")
    appointment.status = AppointmentStatus.COMPLETED
    appointment.save(update_fields=["status", "updated_at"])
    events.appointment_completed.send(sender=Appointment, appointment=appointment)
    return appointment


@transaction.atomic
def reopen_appointment(appointment: Appointment, *, after_session: UUID) -> Appointment:
    """The session logged in it was deleted (a draft): it is booked again, and what its
    completion cancelled (the reminder, the re-rating) is planned again."""
    _lock(appointment)
    if appointment.status != AppointmentStatus.COMPLETED:
        return appointment
    appointment.status = AppointmentStatus.BOOKED
    appointment.save(update_fields=["status", "updated_at"])
    events.appointment_reopened.send(
        sender=Appointment, appointment=appointment, after_session=after_session
    )
    return appointment


def plan_course(
    *,
    therapist: Staff,
    patient: Patient,
    room: Room | None,
    earliest_start: datetime,
    planned_sessions: int,
    session_minutes: int,
    min_gap_days: int,
    max_gap_days: int,
) -> list[tuple[datetime, datetime]] | None:
    """The earliest feasible slots for a course, or None; books nothing."""
    window_end = earliest_start + HORIZON
    return slots.plan_course(
        shifts=shifts_of(therapist),
        tz=ZoneInfo(therapist.own_clinic.timezone),
        busy=busy_intervals(
            therapist=therapist, patient=patient, room=room, start=earliest_start, end=window_end
        ),
        earliest_start=earliest_start,
        sessions=planned_sessions,
        minutes=session_minutes,
        min_gap_days=min_gap_days,
        max_gap_days=max_gap_days,
        horizon=HORIZON,
    )


@transaction.atomic
def create_course(
    *,
    clinic: Clinic,
    patient: Patient,
    therapist: Staff,
    indication: str,
    planned_sessions: int = DEFAULT_SESSIONS,
    session_minutes: int = DEFAULT_MINUTES,
    min_gap_days: int = DEFAULT_MIN_GAP_DAYS,
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
    earliest_start: datetime | None = None,
    room: Room | None = None,
    auto_schedule: bool = True,
) -> TreatmentCourse:
    check_course_shape(
        planned_sessions=planned_sessions,
        session_minutes=session_minutes,
        min_gap_days=min_gap_days,
        max_gap_days=max_gap_days,
        earliest_start=earliest_start,
    )
    _check_bookable(therapist, clinic)
    check_open_for_care(patient)
    course = TreatmentCourse.objects.create(
        clinic=clinic,
        patient=patient,
        therapist=therapist,
        room=room,
        indication=indication,
        planned_sessions=planned_sessions,
        session_minutes=session_minutes,
        min_gap_days=min_gap_days,
        max_gap_days=max_gap_days,
        earliest_start=course_start(earliest_start, timezone.now()),
    )
    if auto_schedule:
        book_rest_of_course(course)
    return course


@transaction.atomic
def book_rest_of_course(course: TreatmentCourse) -> list[Appointment]:
    """Book the course's sessions not yet placed (its planned sessions less its places,
    `placed_starts`) in the earliest slots that fit them all: from its earliest start or now,
    and its least gap after the last session already booked or logged in it."""
    placed = placed_starts(course.pk)
    to_place = course.planned_sessions - len(placed)
    if to_place <= 0:
        return []
    # The gap counts days on the clinic's clock (course_gap_problem): the first allowed day
    # begins at its midnight, whatever the hour of the last session.
    after_last = []
    if placed:
        tz = ZoneInfo(course.clinic.timezone)
        first_day = max(placed).astimezone(tz).date() + timedelta(days=course.min_gap_days)
        after_last = [datetime.combine(first_day, time(), tz)]
    earliest = max([course_start(course.earliest_start, timezone.now()), *after_last])
    plan = plan_course(
        therapist=course.therapist,
        patient=course.patient,
        room=course.room,
        earliest_start=earliest,
        planned_sessions=to_place,
        session_minutes=course.session_minutes,
        min_gap_days=course.min_gap_days,
        max_gap_days=course.max_gap_days,
    )
    if plan is None:
        raise Conflict(
            "no_availability",
            f"{to_place} sessions {course.min_gap_days}-{course.max_gap_days} days apart do not "
            f"fit in the next {HORIZON.days // 7} weeks; nothing was booked.",
        )
    return [
        book_appointment(
            clinic=course.clinic,
            patient=course.patient,
            therapist=course.therapist,
            room=course.room,
            course=course,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        for starts_at, ends_at in plan
    ]


@transaction.atomic
def cancel_course(course: TreatmentCourse) -> TreatmentCourse:
    # Its appointments first, then the course: the order a reschedule or a session logged in
    # one of them takes (appointment, then course), so neither waits on the other forever.
    list(course.appointments.select_for_update().order_by("pk").values_list("pk", flat=True))
    # The course locked, as a booking into it locks it: the two take turns (_check_fits_course).
    course.refresh_from_db(
        fields=["status"], from_queryset=TreatmentCourse.objects.select_for_update()
    )
    if course.status != CourseStatus.ACTIVE:
        raise Conflict("invalid_state", f"The course is already {course.status}.")
    upcoming = course.appointments.filter(
        not_begun(timezone.now()), status=AppointmentStatus.BOOKED
    )
    for appointment in upcoming.select_related("therapist", "patient"):
        cancel_appointment(appointment, reason="The treatment course was cancelled.")
    course.status = CourseStatus.CANCELLED
    course.save(update_fields=["status"])
    events.course_cancelled.send(sender=TreatmentCourse, course=course)
    return course
