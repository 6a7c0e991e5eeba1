"""What the clinic-wide reports cost on 100,000 sessions (in process, Django's test client):

1. The adverse-event report vs the same figures by four raw SQL aggregates: the ratio of
   medians (goal <= 1.5), and its queries, the same at a tenth of the sessions.
2. The CSV export of every needled site (300,000 rows) vs PostgreSQL's own `COPY ... TO
   STDOUT` of the same rows: the ratio of medians (goal <= 5).
3. The export's peak Python memory (tracemalloc) on all the sessions vs a tenth of them: the
   same whatever the size (goal: ratio <= 1.5).

    .venv/bin/python bench/rates_and_export.py        (BENCH_REPORT_SESSIONS: 100000)
"""

import os
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import throwaway_database
from timing import interleaved_medians

from tests.real_parts import database_url

SESSIONS = int(os.environ.get("BENCH_REPORT_SESSIONS", "100000"))
RUNS = 7
# The report vs raw SQL, the export vs COPY, and the export's memory at all vs a tenth.
REPORT_GOAL, EXPORT_GOAL, MEMORY_GOAL = 1.5, 5, 1.5

REPORT_SQL = [
    """SELECT count(*),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM needling_sideeffect e
                                             WHERE e.session_id = s.id AND NOT e.serious)),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM needling_sideeffect e
                                             WHERE e.session_id = s.id AND e.serious))
       FROM needling_needlingsession s WHERE s.clinic_id = %(clinic)s AND s.ended_at IS NOT NULL""",
    """SELECT count(*) FILTER (WHERE NOT e.serious), count(*) FILTER (WHERE e.serious)
       FROM needling_sideeffect e JOIN needling_needlingsession s ON s.id = e.session_id
       WHERE s.clinic_id = %(clinic)s AND s.ended_at IS NOT NULL""",
    """SELECT e.kind, count(DISTINCT e.session_id), count(*)
       FROM needling_sideeffect e JOIN needling_needlingsession s ON s.id = e.session_id
       WHERE s.clinic_id = %(clinic)s AND s.ended_at IS NOT NULL GROUP BY e.kind""",
    """SELECT s.therapist_id, t.full_name, count(*),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM needling_sideeffect e
                                             WHERE e.session_id = s.id AND NOT e.serious))
       FROM needling_needlingsession s JOIN clinic_staff t ON t.id = s.therapist_id
       WHERE s.clinic_id = %(clinic)s AND s.ended_at IS NOT NULL
       GROUP BY s.therapist_id, t.full_name""",
]
COPY_SQL = """
COPY (
    SELECT s.id, s.started_at, s.ended_at, s.status, s.patient_id, s.therapist_id, s.course_id,
           s.pain_before, s.pain_after, n.position, n.muscle_id, m.region, n.side, n.technique,
           n.manipulation, n.depth, n.depth_mm, n.needle_length_mm, n.needle_gauge_mm,
           n.needle_count, n.twitch_response,
           EXISTS (SELECT 1 FROM needling_electricalstimulation e WHERE e.site_a_id = n.id)
           OR EXISTS (SELECT 1 FROM needling_electricalstimulation e WHERE e.site_b_id = n.id)
    FROM needling_needlesite n
    JOIN needling_needlingsession s ON s.id = n.session_id
    JOIN screening_muscle m ON m.code = n.muscle_id
    WHERE s.clinic_id = {clinic}
    ORDER BY s.started_at, s.id, n.position
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def side_effects(clinic) -> None:
    """One session in four bruised, one in fifty sore (moderate), one in 5,000 serious."""
    from sessions.models import NeedlingSession, SideEffect

    sessions = NeedlingSession.objects.filter(clinic=clinic).order_by("started_at")
    rows = sessions.values_list("pk", "patient_id", "ended_at")
    SideEffect.objects.bulk_create(
        (
            SideEffect(
                clinic=clinic,
                session_id=session,
                patient_id=patient,
                kind=kind,
                severity=severity,
                onset_at=ended,
                reported_by="therapist",
                serious=severity == "severe",
            )
            for n, (session, patient, ended) in enumerate(rows.iterator())
            for kind, severity, every in (
                ("bruising", "mild", 4),
                ("soreness_after", "moderate", 50),
                ("dizziness", "severe", 5000),
            )
            if n % every == 0
        ),
        batch_size=2000,
    )


def clinic_with(name: str, sessions: int):
    import dataset

    clinic = dataset.populated_clinic(name, sessions)
    side_effects(clinic)
    return clinic


def report(client) -> bytes:
    response = client.get("/api/v1/reports/adverse-events/")
    assert response.status_code == 200, response.content
    return response.content


def export(client) -> int:
    """Stream the export through, keeping nothing: the bytes it sent."""
    response = client.get("/api/v1/export/sessions.csv")
    assert response.status_code == 200
    return sum(len(chunk) for chunk in response.streaming_content)


def raw_report(database, clinic_id) -> list:
    with database.cursor() as cursor:
        return [cursor.execute(sql, {"clinic": clinic_id}).fetchall() for sql in REPORT_SQL]


def raw_copy(database, clinic_id) -> int:
    from psycopg import sql

    statement = sql.SQL(COPY_SQL).format(clinic=sql.Literal(str(clinic_id)))
    with database.cursor() as cursor, cursor.copy(statement) as copy:
        return sum(len(data) for data in copy)


def queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        report(client)
    return len(captured)


def peak_memory(client) -> float:
    """The most Python memory the export held at once, in MB."""
    tracemalloc.start()
    try:
        export(client)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure() -> dict:
    import dataset
    import psycopg
    from django.db import connection

    small = clinic_with("tenth", SESSIONS // 10)
    large = clinic_with("whole", SESSIONS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small_api, large_api = dataset.admin_client(small), dataset.admin_client(large)
    report(small_api)  # the first request of a process sets things up once
    with psycopg.connect(database_url(), autocommit=True) as database:
        report_ms, raw_report_ms = interleaved_medians(
            lambda: report(large_api), lambda: raw_report(database, large.pk), runs=RUNS
        )
        sent = {}
        export_s, copy_s = interleaved_medians(
            lambda: sent.update(export=export(large_api)),
            lambda: sent.update(copy=raw_copy(database, large.pk)),
            runs=2,
        )
    return {
        "sessions": SESSIONS,
        "report_ms": report_ms * 1000,
        "raw_report_ms": raw_report_ms * 1000,
        "report_queries": [queries(small_api), queries(large_api)],
        "export_s": export_s,
        "copy_s": copy_s,
        "export_mb": sent["export"] / 2**20,
        "copy_mb": sent["copy"] / 2**20,
        "peak_small_mb": peak_memory(small_api),
        "peak_large_mb": peak_memory(large_api),
    }


def figures() -> dict:
    with throwaway_database("filiform_bench_reports"):
        return measure()


def main() -> None:
    results = figures()
    sessions = f"{results['sessions']:,}"
    report_ms, raw_ms = results["report_ms"], results["raw_report_ms"]
    print(
        f"adverse-event report, {sessions} sessions: {report_ms:.1f} ms vs raw SQL "
        f"{raw_ms:.1f} ms, ratio {report_ms / raw_ms:.2f}  (goal <= {REPORT_GOAL})"
    )
    tenth, whole = results["report_queries"]
    print(f"  queries, a tenth vs all the sessions: {tenth} vs {whole}  (goal: the same)")
    export_s, copy_s = results["export_s"], results["copy_s"]
    print(
        f"CSV export, {sessions} sessions ({results['export_mb']:.0f} MB): {export_s:.2f} s vs "
        f"COPY {copy_s:.2f} s ({results['copy_mb']:.0f} MB), ratio {export_s / copy_s:.2f}"
        f"  (goal <= {EXPORT_GOAL})"
    )
    small, large = results["peak_small_mb"], results["peak_large_mb"]
    print(
        f"  peak Python memory, a tenth vs all the sessions: {small:.1f} MB vs {large:.1f} MB, "
        f"ratio {large / small:.2f}  (goal <= {MEMORY_GOAL})"
    )


if __name__ == "__main__":
    main()
