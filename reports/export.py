"""The sessions export: one CSV row per needled site, streamed.

Rows come from a server-side cursor in chunks and leave as soon as a chunk is written, so an
export of 100,000 sessions holds one chunk in memory, never the whole set. The cursor lives in
a transaction of its own: outside one, PostgreSQL would build the whole result (WITH HOLD)
before sending the first row.

Patients appear by their id only (no names, contact details or notes): the export is for
audits and research. Every session exported is recorded in the audit trail as read by the
caller, a chunk at a time.
"""

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from io import StringIO
from itertools import batched
from uuid import UUID

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from httpapi.rows import keys_as_text
from screening.vocabulary import muscle_by_code
from sessions.models import ElectricalStimulation, NeedleSite
from sessions.records.list_rows import SITE_FIELDS

CHUNK = 2000
# The session's own columns on every row of its sites; the site's columns are the sessions
# list's (one list, so the export and the API name a site alike).
SESSION_COLUMNS = (
    "started_at",
    "ended_at",
    "status",
    "patient_id",
    "therapist_id",
    "course_id",
    "pain_before",
    "pain_after",
)
# Fetched per site; `region` is added from the vocabulary, which needs no join.
FETCHED = (
    "session_id",
    *(f"session__{column}" for column in SESSION_COLUMNS),
    "position",
    *SITE_FIELDS,
    "stimulated",
)
MUSCLE = FETCHED.index("muscle")
SESSION, PATIENT = FETCHED.index("session_id"), FETCHED.index("session__patient_id")
STARTED, ENDED = FETCHED.index("session__started_at"), FETCHED.index("session__ended_at")


def site_rows(sessions: QuerySet, clinic_id: UUID) -> QuerySet:
    """The needled sites of `sessions` (already scoped to clinic `clinic_id`), in session
    order; the query names the clinic, as every list's does (docs/scaling.md)."""
    # Two lookups, each by its own index; one with OR would scan every stimulation per site.
    stimulated = Exists(ElectricalStimulation.objects.filter(site_a=OuterRef("pk"))) | Exists(
        ElectricalStimulation.objects.filter(site_b=OuterRef("pk"))
    )
    return (
        NeedleSite.objects.filter(clinic_id=clinic_id, session__in=sessions.values("pk"))
        .annotate(stimulated=stimulated)
        .order_by("session__started_at", "session_id", "position")
        .values_list(*FETCHED)
    )


def _with_region(line: list, region: str) -> list:
    line.insert(MUSCLE + 1, region)  # beside its muscle
    return line


RENAMED = {"position": "site_index", "stimulated": "electrical_stimulation"}
HEADER = _with_region(
    [RENAMED.get(name, name.removeprefix("session__")) for name in FETCHED], "region"
)


def _line(row: tuple) -> list:
    line = list(row)
    line[STARTED] = line[STARTED].isoformat()
    line[ENDED] = line[ENDED] and line[ENDED].isoformat()
    return _with_region(line, muscle_by_code[line[MUSCLE]].region)


def _csv(lines: Iterable[Sequence[object]]) -> str:
    text = StringIO()
    csv.writer(text).writerows(lines)
    return text.getvalue()


def sessions_csv(
    sessions: QuerySet,
    clinic_id: UUID,
    recording_reads: Callable[[list[dict]], AbstractContextManager],
) -> Iterator[str]:
    """The export as CSV text, a chunk of rows at a time. Each chunk is written inside
    `recording_reads` of the sessions it shows, as rows ({id, clinic, patient}; a model
    instance for each cost a third of the export), so they are recorded before it is sent
    (audit.trail.rows_read writes them while the chunk is written)."""
    yield _csv([HEADER])
    with transaction.atomic(), keys_as_text():
        try:
            for chunk in batched(site_rows(sessions, clinic_id).iterator(chunk_size=CHUNK), CHUNK):
                shown = {row[SESSION]: row[PATIENT] for row in chunk}
                with recording_reads(
                    [
                        {"id": session, "clinic": clinic_id, "patient": patient}
                        for session, patient in shown.items()
                    ]
                ):
                    text = _csv(map(_line, chunk))
                yield text
        except GeneratorExit:
            return  # the client left: keep the record of what it was sent
