"""What the staff pages show, each read in a fixed number of queries whatever its size."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftercare.models import Notification
from clinic.filters import PatientFilter
from clinic.holds import care_refusal
from clinic.models import ClinicalHold, Patient, Staff
from outcomes.models import OutcomeMeasure
from outcomes.rules import Change
from outcomes.selectors import course_changes
from screening.models import Screening, ruling_screening
from screening.rules import ADULT_AGE, screening_hold_up
from screening.vocabulary import ExclusionSide, Region, Technique, muscle_by_code
from sessions.models import Appointment, NeedlingSession, SideEffect, TreatmentCourse
from sessions.models.scheduling import LIVE
from sessions.records.selectors import with_sessions_done
from sessions.scheduling.selectors import TAKES_OWN_PLACE

# A screening that lapses within this many days is flagged on the therapist's day.
EXPIRY_NOTICE = timedelta(days=14)


def found_patients(patients: QuerySet[Patient], search: str, most: int) -> list[Patient]:
    """The first `most` of `patients` that the API's patient search finds for `search` (every
    word in the name, phone or email), archived patients left out as the API's lists leave them
    out; none for a search it refuses (too long)."""
    found = PatientFilter({"search": search, "archived": "false"}, queryset=patients)
    if not found.is_valid():  # else django-filter drops the refused filter and finds everyone
        return []
    return list(found.qs.order_by("family_name", "given_name")[:most])


@dataclass(frozen=True)
class DayItem:
    appointment: Appointment
    session_number: int | None  # in its course, counting the places before it
    screening: Screening | None
    flags: tuple[str, ...]
    closed: str  # why no session may start for this patient, "" when one may


def closed_for_care(patient: Patient) -> str:
    """Why nothing new may be booked or logged for the patient (`clinic.holds.care_refusal`,
    on the row as read), or "" when the patient is open for care."""
    refusal = care_refusal(
        patient, clinical_hold=patient.clinical_hold, archived_at=patient.archived_at
    )
    return "" if refusal is None else refusal.detail


def open_hold(patient: Patient) -> ClinicalHold | None:
    """The patient's running hold (why and since when), read only when the patient is held."""
    if not patient.clinical_hold:
        return None
    return ClinicalHold.objects.filter(patient=patient, released_at__isnull=True).first()


def ruling_screenings(patient_ids: Iterable[UUID], at: datetime) -> dict[UUID, Screening]:
    """Each patient's screening in force at `at` (screening.models.ruling_screening), in one
    query."""
    by_patient: dict[UUID, list[Screening]] = defaultdict(list)
    for screening in Screening.objects.filter(patient_id__in=list(patient_ids)):
        by_patient[screening.patient_id].append(screening)
    ruling = {patient: ruling_screening(rows, at) for patient, rows in by_patient.items()}
    return {patient: screening for patient, screening in ruling.items() if screening is not None}


def screening_flags(screening: Screening | None, at: datetime, patient: Patient) -> tuple[str, ...]:
    if screening is None:
        return ("Screening missing",)
    hold_up = screening_hold_up(screening, at, patient)  # the session service's own refusal
    if hold_up == "screening_expired":
        return (f"Screening expired {screening.valid_until:%d %b}",)
    if hold_up == "guardian_consent_required":
        return (f"Under {ADULT_AGE} when screened, without a guardian's consent: screen again",)
    flags = []
    if hold_up == "not_cleared":
        flags.append("Not cleared for needling")
    if screening.precautions:
        flags.append(
            "Precautions: " + ", ".join(p.replace("_", " ") for p in screening.precautions)
        )
    excluded = [
        f"{Region(ref['region']).label} ({ExclusionSide(ref['side']).label.lower()})"
        for ref in screening.excluded_regions
    ]
    excluded += [muscle_by_code[code].name.lower() for code in screening.excluded_muscles]
    excluded += [
        f"{Technique(code).label.lower()} needling" for code in screening.excluded_techniques
    ]
    if excluded:
        flags.append("Not: " + ", ".join(excluded))
    if screening.valid_until < at + EXPIRY_NOTICE:
        flags.append(f"Screening expires {screening.valid_until:%d %b}")
    return tuple(flags)


def _count(rows: QuerySet[Any]) -> Coalesce:
    """How many `rows` a subquery finds, 0 for none."""
    return Coalesce(Subquery(rows.values("course").annotate(n=Count("pk")).values("n")), 0)


def day_of(therapist: Staff, day: date) -> list[DayItem]:
    """The therapist's live appointments in their clinic on a local day, in order, with what to
    know first (a therapist moved from another clinic sees none of its patients)."""
    if therapist.clinic_id is None:  # a platform superuser: no clinic, no patients
        return []
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    # Its number counts the places the course held up to it (scheduling.selectors.placed_starts):
    # live appointments, and sessions logged in the course outside them, up to its start.
    booked_by_then = Appointment.objects.filter(
        course=OuterRef("course"), status__in=LIVE, starts_at__lte=OuterRef("starts_at")
    )
    logged_before = NeedlingSession.objects.filter(
        TAKES_OWN_PLACE, course=OuterRef("course"), started_at__lte=OuterRef("starts_at")
    )
    appointments = list(
        Appointment.objects.filter(
            clinic_id=therapist.clinic_id,
            therapist=therapist,
            status__in=LIVE,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
        )
        .select_related("patient", "room", "course", "needling_session")
        .annotate(session_number=_count(booked_by_then) + _count(logged_before))
        .order_by("starts_at")
    )
    ruling = ruling_screenings({a.patient_id for a in appointments}, timezone.now())
    return [
        DayItem(
            appointment=a,
            session_number=a.session_number if a.course_id else None,
            screening=ruling.get(a.patient_id),
            flags=screening_flags(ruling.get(a.patient_id), a.starts_at, a.patient),
            closed=closed_for_care(a.patient),  # the patient row came with the appointment
        )
        for a in appointments
    ]


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # screening | session | side_effect | message
    record: Screening | NeedlingSession | SideEffect | Notification


def timeline_of(patient: Patient) -> list[Event]:
    """Screenings, sessions, side effects and messages of a patient, newest first."""
    events = [Event(s.performed_at, "screening", s) for s in patient.screenings.all()]
    events += [
        Event(s.started_at, "session", s)
        for s in NeedlingSession.objects.filter(patient=patient)
        .select_related("therapist")
        .prefetch_related("sites__muscle")
    ]
    events += [
        Event(e.onset_at or e.created_at, "side_effect", e)
        for e in SideEffect.objects.filter(patient=patient)
    ]
    events += [
        Event(n.send_at, "message", n)
        for n in Notification.objects.filter(patient=patient, staff__isnull=True)
    ]
    return sorted(events, key=lambda event: event.at, reverse=True)


def courses_of(patient: Patient) -> list[TreatmentCourse]:
    """The patient's courses with their progress (`sessions_done` of `planned_sessions`),
    counted as the API counts it: the count has one home, sessions.records.selectors."""
    return list(
        with_sessions_done(TreatmentCourse.objects.filter(patient=patient))
        .select_related("therapist")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class CourseOutcome:
    course: TreatmentCourse
    measures: list[OutcomeMeasure]
    changes: dict[str, Change]


def course_outcomes(patient: Patient, courses: list[TreatmentCourse]) -> list[CourseOutcome]:
    """Each course's ratings and its change per instrument, in one query for them all."""
    by_course: dict[UUID | None, list[OutcomeMeasure]] = {course.pk: [] for course in courses}
    for measure in OutcomeMeasure.objects.filter(patient=patient).order_by(
        "recorded_at", "created_at"
    ):
        by_course.setdefault(measure.course_id, []).append(measure)
    return [
        CourseOutcome(course, by_course[course.pk], course_changes(by_course[course.pk]))
        for course in courses
    ]
