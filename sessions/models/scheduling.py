"""Treatment courses and appointments.

No two live appointments overlap for one therapist, room or patient. On PostgreSQL this is an
invariant of the database: exclusion constraints over [starts_at, ends_at) created by migration
0002 (they cannot be declared here, because SQLite, the embedded default, cannot create them;
there the booking service checks inside one IMMEDIATE transaction instead).
"""

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q

from clinic.models import Clinic, Patient, Room, Staff

__all__ = ["Appointment", "AppointmentStatus", "CourseStatus", "TreatmentCourse"]

# The longest appointment; the busy-time query relies on it to stay an index range scan.
LONGEST_APPOINTMENT = timedelta(hours=8)
# A course as every door takes it (sessions.scheduling.services.check_course_shape): how many
# sessions, how long each, and how many local calendar days lie between two of them.
COURSE_SESSIONS = range(1, 13)
SESSION_MINUTES = range(5, LONGEST_APPOINTMENT // timedelta(minutes=1) + 1)
GAP_DAYS = range(1, 61)
# A course unless told otherwise (domain.md "Courses": 5 sessions, 2-7 days apart), of the
# usual 45-minute session.
DEFAULT_SESSIONS, DEFAULT_MINUTES = 5, 45
DEFAULT_MIN_GAP_DAYS, DEFAULT_MAX_GAP_DAYS = 2, 7


class CourseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class TreatmentCourse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    therapist = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="courses")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indication = models.CharField(max_length=500)
    planned_sessions = models.PositiveSmallIntegerField(default=DEFAULT_SESSIONS)
    session_minutes = models.PositiveSmallIntegerField(default=DEFAULT_MINUTES)
    min_gap_days = models.PositiveSmallIntegerField(default=DEFAULT_MIN_GAP_DAYS)
    max_gap_days = models.PositiveSmallIntegerField(default=DEFAULT_MAX_GAP_DAYS)
    earliest_start = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    planned_sessions__gte=COURSE_SESSIONS.start,
                    planned_sessions__lte=COURSE_SESSIONS[-1],
                ),
                name="course_planned_sessions_1_to_12",
            ),
            models.CheckConstraint(
                condition=Q(
                    min_gap_days__gte=GAP_DAYS.start, min_gap_days__lte=models.F("max_gap_days")
                ),
                name="course_gap_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CourseStatus.values), name="course_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-created_at"], name="course_clinic_recent"),
            models.Index(fields=["patient", "-created_at"], name="course_patient"),
            models.Index(fields=["therapist", "-created_at"], name="course_therapist"),
        ]

    def __str__(self) -> str:
        return f"{self.indication} ({self.patient})"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


LIVE = (AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED)


def has_begun(starts_at: datetime, now: datetime) -> bool:
    """An appointment has begun once its start is past: from then on nothing is booked to
    start then, its freed time is offered to nobody, nobody is told of a change to it, and its
    patient may be marked a no-show. One starting this very moment may still be booked."""
    return starts_at < now


def not_begun(now: datetime) -> Q:
    """The appointments `has_begun` says are still to come, as a query."""
    return Q(starts_at__gte=now)


class Appointment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    course = models.ForeignKey(
        TreatmentCourse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient confirmed it (an SMS reply)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="appointment_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="appointment_clinic_start"),
            # ?status=booked: the booked few, not every past appointment before them.
            models.Index(
                fields=["clinic", "status", "starts_at"], name="appointment_clinic_status"
            ),
            models.Index(fields=["therapist", "starts_at"], name="appointment_therapist_start"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_start"),
            models.Index(fields=["room", "starts_at"], name="appointment_room_start"),
            models.Index(fields=["course", "starts_at"], name="appointment_course_start"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} with {self.therapist} at {self.starts_at:%Y-%m-%d %H:%M}"
