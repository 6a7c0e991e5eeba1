"""Reading outcome measures: a course's change per instrument, in two queries whatever its size."""

from datetime import datetime

from django.db.models import Min

from outcomes.models import Instrument, OutcomeMeasure
from outcomes.rules import Change, course_change
from sessions.models import TreatmentCourse


def course_measures(course: TreatmentCourse) -> list[OutcomeMeasure]:
    return list(course.outcome_measures.order_by("recorded_at", "created_at"))


def course_changes(measures: list[OutcomeMeasure]) -> dict[str, Change]:
    """Per instrument, from the course's measures in the order they were recorded."""
    return {
        instrument: course_change(
            instrument, [m.score for m in measures if m.instrument == instrument]
        )
        for instrument in Instrument.values
    }


def baseline_activities(course: TreatmentCourse) -> list[str]:
    """The activities of the course's first PSFS rating: the ones every later rating re-rates."""
    first = (
        course.outcome_measures.filter(instrument=Instrument.PSFS)
        .order_by("recorded_at", "created_at")
        .values_list("items", flat=True)
        .first()
    )
    return [item["activity"] for item in first or []]


def course_opens(course: TreatmentCourse) -> datetime:
    """From when a rating of the course at no session may be dated (outcomes.rules.rating_time):
    its first session's start, or its creation while it has none."""
    first = course.needling_sessions.aggregate(first=Min("started_at"))["first"]
    return first or course.created_at
