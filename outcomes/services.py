"""Recording outcome measures: one transaction each, the rating checked by the pure rules."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic, Patient, Staff
from outcomes.models import Instrument, OutcomeMeasure
from outcomes.rules import measure_score
from screening.entry_window import is_in_the_future
from sessions.belonging import check_patients_own
from sessions.models import NeedlingSession, Reporter, TreatmentCourse


def _check_belongs(
    patient: Patient, course: TreatmentCourse, session: NeedlingSession | None
) -> None:
    check_patients_own(patient, course=course, session=session)
    if session is not None and session.course_id not in (None, course.pk):
        raise ValidationError({"session": "This session belongs to another course."})


@transaction.atomic
def record_outcome(
    *,
    clinic: Clinic,
    patient: Patient,
    course: TreatmentCourse,
    instrument: str,
    recorded_by: Staff | None,
    reported_by: str = Reporter.THERAPIST,
    session: NeedlingSession | None = None,
    recorded_at: datetime | None = None,
    score: int | None = None,
    items: Sequence[dict[str, Any]] = (),
) -> OutcomeMeasure:
    now = timezone.now()
    recorded_at = recorded_at or now
    # As for screenings and sessions: a clock a few minutes fast is not a rating from the future.
    if is_in_the_future(recorded_at, now):
        raise ValidationError({"recorded_at": "A rating cannot be recorded in the future."})
    _check_belongs(patient, course, session)
    return OutcomeMeasure.objects.create(
        clinic=clinic,
        patient=patient,
        course=course,
        session=session,
        instrument=instrument,
        recorded_at=recorded_at,
        reported_by=reported_by,
        recorded_by=recorded_by,
        score=measure_score(instrument, score, items),
        items=[{"activity": item["activity"].strip(), "score": item["score"]} for item in items],
    )


@transaction.atomic
def record_patient_rerating(
    *, course: TreatmentCourse, nprs: int, psfs: Sequence[dict[str, Any]]
) -> list[OutcomeMeasure]:
    """The patient re-rates their pain, and the baseline's activities when there are any, from
    their aftercare page (between sessions: at none of them): both or neither."""
    # (instrument, score, items): NPRS is a score, PSFS its items.
    ratings: list[tuple[str, int | None, Sequence[dict[str, Any]]]] = [(Instrument.NPRS, nprs, ())]
    if psfs:
        ratings.append((Instrument.PSFS, None, psfs))
    return [
        record_outcome(
            clinic=course.clinic,
            patient=course.patient,
            course=course,
            instrument=instrument,
            recorded_by=None,
            reported_by=Reporter.PATIENT,
            score=score,
            items=items,
        )
        for instrument, score, items in ratings
    ]
