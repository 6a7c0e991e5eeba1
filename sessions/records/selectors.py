"""Reads of the clinical record that more than one edge needs, each fact defined once."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from screening.services import PlannedSite
from sessions.models import NeedlingSession, TreatmentCourse
from sessions.records import rules

# A course's sessions done: its sessions that have ended (api.md 1.1). Counted per course in a
# subquery, so a page of courses costs one query whatever its size.
_DONE_IN_COURSE = (
    NeedlingSession.objects.filter(course=OuterRef("pk"), ended_at__isnull=False)
    .order_by()
    .values("course")
    .annotate(count=Count("pk"))
    .values("count")
)


def with_sessions_done(courses: QuerySet[TreatmentCourse]) -> QuerySet[TreatmentCourse]:
    return courses.annotate(
        sessions_done=Coalesce(Subquery(_DONE_IN_COURSE, output_field=IntegerField()), 0)
    )


def sessions_done(course: TreatmentCourse) -> int:
    return (
        with_sessions_done(TreatmentCourse.objects.filter(pk=course.pk))
        .values_list("sessions_done", flat=True)
        .get()
    )


def entry_warnings(session: NeedlingSession) -> list[rules.SessionWarning]:
    """Warnings about when the record was made: late, or overtaken by a later screening.

    Reads the session's sites and its patient's screenings from the prefetch cache when the
    list prefetched them, so a page costs the same queries whatever its size.
    """
    sites = [PlannedSite(s.muscle_id, s.side, s.technique) for s in session.sites.all()]
    found = [
        rules.late_entry(session.started_at, session.recorded_at),
        rules.superseded_screening(session.started_at, sites, session.patient.screenings.all()),
    ]
    return [warning for warning in found if warning is not None]


def warnings_of(session: NeedlingSession) -> list[rules.SessionWarning]:
    """Every warning a session carries, as the API, the printed note and the staff app show it.

    Reads sites, stimulation and screenings from the prefetch cache when a list prefetched them.
    """
    sites = [
        rules.SiteFacts(s.muscle_id, s.side, s.depth, s.needle_count, s.depth_mm)
        for s in session.sites.all()
    ]
    minutes = [block.duration_minutes for block in session.electrical.all()]
    # Every precaution of the screening is acknowledged on the session: no query needed.
    precautions = session.precautions_acknowledged
    return rules.session_warnings(sites, minutes, precautions) + entry_warnings(session)
