"""Recording outcome measures: one transaction each, the rating checked by the pure rules."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic, Patient, Staff
from core.errors import Conflict
from outcomes.models import Instrument, OutcomeMeasure
from outcomes.rules import (
    measure_score,
    moved_with_session,
    rating_time,
    rerated_activities_problem,
)
from outcomes.selectors import baseline_activities, course_opens
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
    """A rating of the patient's course, at one of its sessions or between them, dated as
    outcomes.rules.rating_time says."""
    _check_belongs(patient, course, session)
    recorded_at = rating_time(
        recorded_at,
        session=session,
        course_opens=course_opens(course) if session is None else None,
        now=timezone.now(),
    )
    if instrument == Instrument.PSFS:
        problem = rerated_activities_problem(baseline_activities(course), items)
        if problem:
            raise ValidationError({"items": problem})
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
    return _record_ratings(course, nprs, psfs, reported_by=Reporter.PATIENT, recorded_by=None)


@transaction.atomic
def record_ratings_at_session(
    *,
    session: NeedlingSession,
    recorded_by: Staff,
    nprs: int | None,
    psfs: Sequence[dict[str, Any]],
) -> list[OutcomeMeasure]:
    """The therapist's ratings at a session of a course: NPRS, PSFS, both or neither. Dated
    at the session's start (record_outcome), so the course's first session holds its baseline."""
    if nprs is None and not psfs:
        return []
    if session.course is None:
        raise ValidationError({"course": "Ratings belong to a course: this session is in none."})
    return _record_ratings(
        session.course,
        nprs,
        psfs,
        reported_by=Reporter.THERAPIST,
        recorded_by=recorded_by,
        session=session,
    )


def _record_ratings(
    course: TreatmentCourse,
    nprs: int | None,
    psfs: Sequence[dict[str, Any]],
    **source: Any,  # who reported and recorded them, and at which session
) -> list[OutcomeMeasure]:
    # (instrument, score, items): NPRS is a score, PSFS its items.
    ratings: list[tuple[str, int | None, Sequence[dict[str, Any]]]] = []
    if nprs is not None:
        ratings.append((Instrument.NPRS, nprs, ()))
    if psfs:
        ratings.append((Instrument.PSFS, None, psfs))
    return [
        record_outcome(
            clinic=course.clinic,
            patient=course.patient,
            course=course,
            instrument=instrument,
            score=score,
            items=items,
            **source,
        )
        for instrument, score, items in ratings
    ]


def follow_corrected_session(
    session: NeedlingSession, *, started_before: datetime, course_before: UUID | None
) -> None:
    """The ratings taken at a draft follow its correction (sessions.events.session_corrected):
    dated within it still, moved as its start moved (outcomes.rules.moved_with_session). A
    move to another course, or out of its course, is refused: they rate that course, whose
    baseline and change they are."""
    ratings = list(OutcomeMeasure.objects.filter(session=session))
    if not ratings:
        return
    if session.course_id != course_before:
        raise Conflict(
            "invalid_state",
            "Outcome ratings were taken at this session for its course: it stays in that course.",
        )
    moved_by = session.started_at - started_before
    for rating in ratings:
        rating.recorded_at = moved_with_session(
            rating.recorded_at,
            moved_by=moved_by,
            started_at=session.started_at,
            ended_at=session.ended_at,
        )
    OutcomeMeasure.objects.bulk_update(ratings, ["recorded_at"])
