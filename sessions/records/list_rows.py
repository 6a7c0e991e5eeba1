"""The sessions list read as rows (httpapi.rows): a page of sessions and, a query each, their
sites, stimulation, addenda and their patients' screenings, attached as lists of dicts."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields
from typing import Any
from uuid import UUID

from django.db.models import F

from screening.models import Screening
from screening.rules import PlannedSite
from sessions.models import Addendum, ElectricalStimulation, NeedleSite
from sessions.records import rules
from sessions.records.selectors import ScreeningFacts, SessionFacts, warnings_from
from sessions.records.serializers import (
    AddendumSerializer,
    ElectricalSerializer,
    SessionSerializer,
    SiteSerializer,
)

# A session's own columns: the API's fields less those attached below (and `recorded_at`, an
# expression); `clinic` also, which with `patient` names the row in the audit trail.
_ATTACHED = {"sites", "electrical", "addenda", "warnings"}
SESSION_EXPRESSIONS = {"recorded_at": F("created_at")}  # NeedlingSession.recorded_at
SESSION_FIELDS = (
    "clinic",
    *(
        name
        for name in SessionSerializer.Meta.fields
        if name not in _ATTACHED and name not in SESSION_EXPRESSIONS
    ),
)
# The parts' columns, as their serializers show them; a block's pair is read as positions.
SITE_FIELDS = tuple(SiteSerializer._declared_fields)
STIMULATION_FIELDS = tuple(f for f in ElectricalSerializer._declared_fields if f != "site_indexes")
ADDENDUM_FIELDS = tuple(AddendumSerializer.Meta.fields)
# A later screening's columns, in the order ScreeningFacts takes them (superseded_screening).
SCREENING_FIELDS = tuple(field.name for field in fields(ScreeningFacts))


def attach_parts(sessions: list[dict[str, Any]], clinic_id: UUID | str) -> None:
    """Each session row of the clinic gets its `sites`, `electrical`, `addenda` and `warnings`.

    Every query names the clinic, as every list's does (docs/scaling.md)."""
    ids = [session["id"] for session in sessions]
    mine = {"clinic_id": clinic_id, "session__in": ids}
    sites = _by_session(NeedleSite.objects.filter(**mine).values("session", *SITE_FIELDS))
    electrical = _by_session(
        ElectricalStimulation.objects.filter(**mine)
        .order_by("id")
        .values(
            "session",
            *STIMULATION_FIELDS,
            a=F("site_a__position"),
            b=F("site_b__position"),
        )
    )
    addenda = _by_session(
        Addendum.objects.filter(**mine).order_by("created_at").values("session", *ADDENDUM_FIELDS)
    )
    screenings = defaultdict(list)
    patients = {session["patient"] for session in sessions}
    for patient, *facts in Screening.objects.filter(
        clinic_id=clinic_id, patient__in=patients
    ).values_list("patient", *SCREENING_FIELDS):
        screenings[patient].append(ScreeningFacts(*facts))
    for session in sessions:
        session["sites"] = sites[session["id"]]
        session["electrical"] = electrical[session["id"]]
        for block in session["electrical"]:
            block["site_indexes"] = [block.pop("a"), block.pop("b")]
        session["addenda"] = addenda[session["id"]]
        session["warnings"] = [
            warning.__dict__ for warning in warnings_from(_facts(session, screenings))
        ]


def _by_session(rows: Iterable[dict]) -> defaultdict[object, list[dict]]:
    children = defaultdict(list)
    for row in rows:
        children[row.pop("session")].append(row)
    return children


def _facts(session: dict, screenings: dict) -> SessionFacts:
    sites = session["sites"]
    return SessionFacts(
        started_at=session["started_at"],
        recorded_at=session["recorded_at"],
        screening=session["screening"],
        precautions=session["precautions_acknowledged"],
        sites=[
            rules.SiteFacts(s["muscle"], s["side"], s["depth"], s["needle_count"], s["depth_mm"])
            for s in sites
        ],
        planned_sites=[PlannedSite(s["muscle"], s["side"], s["technique"]) for s in sites],
        stimulation_minutes=[block["duration_minutes"] for block in session["electrical"]],
        screenings=screenings[session["patient"]],
    )
