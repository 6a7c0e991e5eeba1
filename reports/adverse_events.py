"""The adverse-event report: how often the clinic's sessions are followed by side effects,
against the published rates, and each therapist against the clinic (a funnel plot).

What is counted (the definitions the figures rest on):
- a *session* is a needling session of the clinic that has ended (`ended_at` set), started
  in [since, until);
- *serious* is the domain rule (pneumothorax, nerve injury, infection, chest pain,
  breathlessness, or any severe report: `SideEffect.serious`); *mild* is every other side
  effect, moderate ones included — the published studies' "mild"/"minor" against
  "significant"/"major";
- a count is the number of sessions with at least one such side effect, so a rate is a
  proportion of sessions and its Wilson interval is sound; `events` counts the reports
  themselves, as the published studies do (two bruises after one session are two events).
- a side effect belongs to the session it followed, whenever it was reported.

Four aggregate queries, whatever the number of sessions.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from reports.published import PUBLISHED
from reports.rates import (
    control_limits,
    funnel_curve,
    funnel_signal,
    proportion,
    wilson_interval,
)
from reports.window import Window, in_window
from sessions.models import SideEffect


def _followed_by(serious: bool) -> Exists:
    return Exists(SideEffect.objects.filter(session=OuterRef("pk"), serious=serious))


def _figure(count: int, events: int, total: int) -> dict:
    return {
        "count": count,
        "rate": proportion(count, total),
        "ci95": list(wilson_interval(count, total)),
        "events": events,
    }


def _by_kind(effects: QuerySet, total: int) -> list[dict]:
    rows = (
        effects.values("kind")
        .annotate(count=Count("session", distinct=True), events=Count("pk"))
        .order_by("-count", "kind")
    )
    return [
        {
            "kind": row["kind"],
            "count": row["count"],
            "rate": proportion(row["count"], total),
            "events": row["events"],
            # Side by side with each study, as the overall rates are: None where it is silent.
            "published": [
                {"short": study.short, "rate": study.by_kind.get(row["kind"])}
                for study in PUBLISHED
            ],
        }
        for row in rows
    ]


def _funnel(sessions: QuerySet, clinic_rate: float) -> list[dict]:
    rows = (
        sessions.values("therapist", "therapist__full_name", "therapist__username")
        .annotate(sessions=Count("pk"), mild=Count("pk", filter=Q(_followed_by(False))))
        .order_by("therapist__full_name", "therapist")
    )
    return [
        {
            "therapist": row["therapist"],
            "name": row["therapist__full_name"] or row["therapist__username"],
            "sessions": row["sessions"],
            "mild": row["mild"],
            "rate": proportion(row["mild"], row["sessions"]),
            "limits95": list(control_limits(clinic_rate, row["sessions"])),
            "signal": funnel_signal(row["mild"], row["sessions"], clinic_rate),
        }
        for row in rows
    ]


def adverse_event_report(sessions: QuerySet, window: Window) -> dict:
    """The report over `sessions` (scoped to one clinic by the caller) in `window`."""
    sessions = in_window(sessions, window).filter(ended_at__isnull=False)
    totals = sessions.aggregate(
        sessions=Count("pk"),
        mild=Count("pk", filter=Q(_followed_by(False))),
        serious=Count("pk", filter=Q(_followed_by(True))),
    )
    total = totals["sessions"]
    effects = SideEffect.objects.filter(session__in=sessions.values("pk"))
    events = effects.aggregate(
        mild=Count("pk", filter=Q(serious=False)), serious=Count("pk", filter=Q(serious=True))
    )
    mild_rate = proportion(totals["mild"], total)
    therapists = _funnel(sessions, mild_rate)
    return {
        "since": window.since,
        "until": window.until,
        "sessions": total,
        "mild": _figure(totals["mild"], events["mild"], total),
        "serious": _figure(totals["serious"], events["serious"], total),
        "by_kind": _by_kind(effects, total),
        "published": [
            {
                "source": study.source,
                "short": study.short,
                "sessions": study.sessions,
                "rate": study.rate,
                "serious_rate": study.serious_rate,
            }
            for study in PUBLISHED
        ],
        "therapists": therapists,
        "funnel": funnel_curve(mild_rate, max((row["sessions"] for row in therapists), default=0)),
    }
