"""A patient's whole clinical record, read in a fixed number of queries (one per kind of
record), for exports that carry all of it."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch

from clinic.models import Clinic, Patient, Staff
from outcomes.models import OutcomeMeasure
from screening.models import Screening
from sessions.models import (
    Addendum,
    Appointment,
    ElectricalStimulation,
    NeedlingSession,
    SideEffect,
    TreatmentCourse,
)


@dataclass(frozen=True)
class PatientRecord:
    clinic: Clinic
    patient: Patient
    staff: list[Staff]
    screenings: list[Screening]
    courses: list[TreatmentCourse]
    appointments: list[Appointment]
    sessions: list[NeedlingSession]
    side_effects: list[SideEffect]
    outcomes: list[OutcomeMeasure]

    def clinical_records(self) -> list:
        """Every record of the patient's but the patient, for the audit trail."""
        return [
            *self.screenings,
            *self.courses,
            *self.appointments,
            *self.sessions,
            *self.side_effects,
            *self.outcomes,
        ]


def _staff_ids(*groups: Iterable[UUID | None]) -> set[UUID]:
    return {staff_id for group in groups for staff_id in group if staff_id is not None}


def patient_record(patient: Patient) -> PatientRecord:
    screenings = list(patient.screenings.order_by("performed_at", "created_at"))
    courses = list(patient.courses.order_by("created_at"))
    appointments = list(patient.appointments.order_by("starts_at"))
    sessions = list(
        patient.needling_sessions.order_by("started_at").prefetch_related(
            "sites",
            Prefetch(
                "electrical",
                queryset=ElectricalStimulation.objects.select_related("site_a", "site_b"),
            ),
            Prefetch("addenda", queryset=Addendum.objects.order_by("created_at")),
        )
    )
    side_effects = list(patient.side_effects.order_by("created_at"))
    outcomes = list(patient.outcome_measures.order_by("recorded_at", "created_at"))
    staff_ids = _staff_ids(
        (s.performed_by_id for s in screenings),
        (c.therapist_id for c in courses),
        (a.therapist_id for a in appointments),
        (s.therapist_id for s in sessions),
        (o.recorded_by_id for o in outcomes),
    )
    return PatientRecord(
        clinic=patient.clinic,
        patient=patient,
        staff=list(Staff.objects.filter(pk__in=staff_ids).order_by("username")),
        screenings=screenings,
        courses=courses,
        appointments=appointments,
        sessions=sessions,
        side_effects=side_effects,
        outcomes=outcomes,
    )
