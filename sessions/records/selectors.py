"""Reads of the clinical record that more than one edge needs, each fact defined once."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from screening.rules import PlannedSite
from sessions.models import NeedlingSession, TreatmentCourse
from sessions.records import rules

if TYPE_CHECKING:  # a typing-only package (requirements-dev.txt)
    from django_stubs_ext import WithAnnotations

# A course's sessions done: its sessions that have ended (api.md 1.1). Counted per course in a
# subquery, so a page of courses costs one query whatever its size.
_DONE_IN_COURSE = (
    NeedlingSession.objects.filter(course=OuterRef("pk"), ended_at__isnull=False)
    .order_by()
    .values("course")
    .annotate(count=Count("pk"))
    .values("count")
)


class SessionsDone(TypedDict):
    sessions_done: int


def with_sessions_done(
    courses: QuerySet[TreatmentCourse],
) -> "QuerySet[WithAnnotations[TreatmentCourse, SessionsDone]]":
    return courses.annotate(
        sessions_done=Coalesce(Subquery(_DONE_IN_COURSE, output_field=IntegerField()), 0)
    )


def sessions_done(course: TreatmentCourse) -> int:
    return (
        with_sessions_done(TreatmentCourse.objects.filter(pk=course.pk))
        .values_list("sessions_done", flat=True)
        .get()
    )


def sessions_left(course: TreatmentCourse) -> int:
    """Of the course's planned sessions, how many are still to be done (none: it is done)."""
    return max(0, course.planned_sessions - sessions_done(course))


@dataclass(frozen=True)
class ScreeningFacts:
    """What a later screening tells of a session (rules.LaterScreening), read as a row."""

    id: UUID
    performed_at: datetime
    outcome: str
    excluded_regions: list[dict[str, str]]
    excluded_muscles: list[str]
    excluded_techniques: list[str]


@dataclass(frozen=True)
class SessionFacts:
    """What a session's warnings are made of, from an instance or from rows alike."""

    started_at: datetime
    recorded_at: datetime
    screening: UUID | None  # the one the session was checked against when it was logged
    precautions: list[str]  # every precaution of the screening is acknowledged on the session
    sites: list[rules.SiteFacts]
    planned_sites: list[PlannedSite]
    stimulation_minutes: list[int]
    screenings: list[rules.LaterScreening]  # the patient's, for superseded_screening


def warnings_from(facts: SessionFacts) -> list[rules.SessionWarning]:
    """Every warning a session carries, as the API, the printed note and the staff app show it:
    what was needled, then when the record was made (late, or overtaken by a later screening)."""
    entry = [
        rules.late_entry(facts.started_at, facts.recorded_at),
        rules.superseded_screening(
            facts.started_at, facts.screening, facts.planned_sites, facts.screenings
        ),
    ]
    return rules.session_warnings(facts.sites, facts.stimulation_minutes, facts.precautions) + [
        warning for warning in entry if warning is not None
    ]


def warnings_of(session: NeedlingSession) -> list[rules.SessionWarning]:
    """A session's warnings. Reads sites, stimulation and screenings from the prefetch cache
    when a list prefetched them, so a page costs the same queries whatever its size."""
    sites = session.sites.all()
    return warnings_from(
        SessionFacts(
            started_at=session.started_at,
            recorded_at=session.recorded_at,
            screening=session.screening_id,
            precautions=session.precautions_acknowledged,
            sites=[
                rules.SiteFacts(s.muscle_id, s.side, s.depth, s.needle_count, s.depth_mm)
                for s in sites
            ],
            planned_sites=[PlannedSite(s.muscle_id, s.side, s.technique) for s in sites],
            stimulation_minutes=[block.duration_minutes for block in session.electrical.all()],
            screenings=list(session.patient.screenings.all()),
        )
    )


@dataclass(frozen=True)
class NoteWarnings:
    """A session's warnings as its signed record keeps them, and those that arose since."""

    as_signed: list[rules.SessionWarning]
    since_signing: list[rules.SessionWarning]


def note_warnings(session: NeedlingSession) -> NoteWarnings:
    """The warnings a signed record carried when it was signed (sign_session keeps them), and
    those it carries now that it did not then (a later screening that would have refused it):
    the note shows the first as signed, the second apart. A draft's, and those of a session
    signed before warnings were kept, are all as they are now."""
    now = warnings_of(session)
    if not session.is_signed or session.signed_warnings is None:
        return NoteWarnings(now, [])
    kept = [rules.SessionWarning(**warning) for warning in session.signed_warnings]
    # Only a later screening can raise a warning after the signing: everything else the rules
    # read (sites, stimulation, times, precautions) was frozen by it. A warning the rules now
    # word otherwise is the one printed as signed, not a new one.
    signed_codes = {warning.code for warning in kept}
    arisen = [
        warning
        for warning in now
        if warning.code == rules.ARISES_AFTER_SIGNING and warning.code not in signed_codes
    ]
    return NoteWarnings(kept, arisen)
