"""The staff app's charts as Chart.js configurations, built from records already read.

A page carries each configuration as JSON in a canvas's `data-chart` attribute and the static
`charts.js` draws it: no inline script, so the Content-Security-Policy holds. Each chart also
has a sentence or table beside it for whoever cannot see it.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from outcomes.models import Instrument, OutcomeMeasure
from outcomes.rules import Change, mcid_target
from sessions.models import NeedlingSession

# A Chart.js configuration, or a part of one, as the page sends it in JSON.
type Chart = dict[str, Any]

BEFORE, AFTER = "#a4161a", "#0b5cad"
COLOUR_OF: dict[str, str] = {Instrument.NPRS: "#a4161a", Instrument.PSFS: "#1f6f3f"}
SHORT_NAME: dict[str, str] = {Instrument.NPRS: "Pain (NPRS)", Instrument.PSFS: "Function (PSFS)"}
ZERO_TO_TEN: dict[str, object] = {"min": 0, "max": 10, "ticks": {"stepSize": 1}}


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y}"


def pain_chart(sessions: Sequence[NeedlingSession]) -> Chart | None:
    """Pain before and after each session that rated it, oldest first; None if none did."""
    rated = sorted(
        (s for s in sessions if s.pain_before is not None or s.pain_after is not None),
        key=lambda s: s.started_at,
    )
    if not rated:
        return None
    return {
        "type": "bar",
        "data": {
            "labels": [_day(s.started_at) for s in rated],
            "datasets": [
                {
                    "label": "Pain before",
                    "data": [s.pain_before for s in rated],
                    "backgroundColor": BEFORE,
                },
                {
                    "label": "Pain after",
                    "data": [s.pain_after for s in rated],
                    "backgroundColor": AFTER,
                },
            ],
        },
        "options": {"scales": {"y": ZERO_TO_TEN}},
    }


def course_chart(measures: Sequence[OutcomeMeasure], changes: dict[str, Change]) -> Chart | None:
    """A course's ratings over time per instrument, each with its MCID line (dashed)."""
    if not measures:
        return None
    labels = list(dict.fromkeys(_day(m.recorded_at) for m in measures))
    datasets: list[Chart] = []
    for instrument, change in changes.items():
        points = [
            {"x": _day(m.recorded_at), "y": m.score} for m in measures if m.instrument == instrument
        ]
        if not points:
            continue
        colour = COLOUR_OF[instrument]
        datasets.append(
            {
                "label": SHORT_NAME[instrument],
                "data": points,
                "borderColor": colour,
                "backgroundColor": colour,
            }
        )
        target = mcid_target(change, instrument)
        datasets.append(
            {
                "label": f"{SHORT_NAME[instrument]}: MCID line",
                "data": [{"x": labels[0], "y": target}, {"x": labels[-1], "y": target}],
                "borderColor": colour,
                "borderDash": [6, 4],
                "pointRadius": 0,
            }
        )
    return {
        "type": "line",
        "data": {"labels": labels, "datasets": datasets},
        "options": {"scales": {"y": ZERO_TO_TEN}},
    }


def _percent(rate: float) -> float:
    return round(100 * rate, 2)


def _line(label: str, points: list[dict[str, float]], colour: str) -> Chart:
    return {
        "type": "line",
        "label": label,
        "data": points,
        "borderColor": colour,
        "borderDash": [6, 4],
        "pointRadius": 0,
        "fill": False,
    }


def funnel_chart(report: dict[str, Any]) -> Chart | None:
    """Each therapist's rate of sessions followed by a mild side effect against their number of
    sessions, inside the clinic's 95% control limits (`reports.adverse_events`)."""
    if not report["therapists"]:
        return None
    funnel = report["funnel"]
    clinic_rate = _percent(report["mild"]["rate"])
    return {
        "type": "scatter",
        "data": {
            "datasets": [
                {
                    "label": "Therapists",
                    "data": [
                        {"x": row["sessions"], "y": _percent(row["rate"])}
                        for row in report["therapists"]
                    ],
                    "backgroundColor": AFTER,
                    "pointRadius": 5,
                },
                _line(
                    "Clinic rate",
                    [{"x": 1, "y": clinic_rate}, {"x": funnel[-1]["sessions"], "y": clinic_rate}],
                    "#5b6675",
                ),
                _line(
                    "Upper 95% limit",
                    [{"x": p["sessions"], "y": _percent(p["limits95"][1])} for p in funnel],
                    BEFORE,
                ),
                _line(
                    "Lower 95% limit",
                    [{"x": p["sessions"], "y": _percent(p["limits95"][0])} for p in funnel],
                    BEFORE,
                ),
            ]
        },
        "options": {
            "scales": {
                "x": {"type": "linear", "min": 0, "title": {"display": True, "text": "Sessions"}},
                "y": {
                    "min": 0,
                    "title": {"display": True, "text": "Followed by a mild side effect (%)"},
                },
            }
        },
    }
