"""What the list endpoints cost, in process (Django's test client, no HTTP server):

1. Queries per list request at page sizes 1, 50 and 200, for every list endpoint (goal: the
   same for every page size).
2. The sessions list (default page) of a clinic with 1,000 sessions vs one with 100,000, in
   one database: the ratio of medians (goal <= 1.2).
3. The sessions list, a page of 200, vs psycopg fetching the same rows (sessions, sites,
   stimulation, addenda and the patients' screenings its warnings read) and encoding them as
   JSON: the ratio of medians (goal <= 3). The same for the appointments list.

    .venv/bin/python bench/lists.py   # BENCH_LIST_SESSIONS=20000 for a smaller large clinic
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import throwaway_database
from timing import interleaved_medians

from tests.real_parts import database_url

ENDPOINTS = [
    "therapists",
    "rooms",
    "patients",
    "screenings",
    "muscles",
    "sessions",
    "side-effects",
    "appointments",
    "courses",
    "notifications",
]
PAGE_SIZES = (1, 50, 200)
SMALL, LARGE = 1_000, int(os.environ.get("BENCH_LIST_SESSIONS", 100_000))
RUNS = 40
# The goals: a large clinic's page vs a small one's, and a page of 200 vs a raw fetch.
GROWTH_GOAL, RAW_GOAL = 1.2, 3

# The same rows the sessions list shows, newest first, fetched as plainly as possible.
SESSIONS_SQL = """
SELECT id, patient_id, therapist_id, appointment_id, course_id, started_at, ended_at,
       pain_before, pain_after, precautions_acknowledged, heat_advised, notes, needle_lot,
       needle_expiry, needles_removed, status, signed_at, signed_by_id, screening_id,
       created_at, updated_at
FROM needling_needlingsession WHERE clinic_id = %s
ORDER BY started_at DESC, id DESC LIMIT %s
"""
APPOINTMENTS_SQL = """
SELECT id, patient_id, therapist_id, room_id, course_id, starts_at, ends_at, status,
       cancel_reason
FROM needling_appointment WHERE clinic_id = %s
ORDER BY starts_at, id LIMIT %s
"""
CHILDREN_SQL = {
    "sites": """
        SELECT session_id, muscle_id, side, technique, manipulation, depth, depth_mm,
               needle_length_mm, needle_gauge_mm, needle_count, twitch_response
        FROM needling_needlesite WHERE session_id = ANY(%s) ORDER BY position""",
    "electrical": """
        SELECT e.session_id, ARRAY[a.position, b.position] AS site_indexes, e.frequency_hz,
               e.pulse_width_us, e.intensity_ma, e.waveform, e.duration_minutes
        FROM needling_electricalstimulation e
        JOIN needling_needlesite a ON a.id = e.site_a_id
        JOIN needling_needlesite b ON b.id = e.site_b_id
        WHERE e.session_id = ANY(%s) ORDER BY e.id""",
    "addenda": """
        SELECT session_id, id, text, author_id, created_at
        FROM needling_addendum WHERE session_id = ANY(%s) ORDER BY created_at""",
}
# The patients' screenings, which the list reads for the superseded_screening warning.
SCREENINGS_SQL = """
SELECT patient_id, performed_at, outcome, excluded_regions, excluded_techniques
FROM screening_screening WHERE patient_id = ANY(%s)"""


def get_page(client, endpoint: str, page_size: int | None = None) -> bytes:
    query = {} if page_size is None else {"page_size": page_size}
    response = client.get(f"/api/v1/{endpoint}/", query)
    assert response.status_code == 200, response.content
    return response.content


def queries_per_request(client, endpoint: str, page_size: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        get_page(client, endpoint, page_size)
    return len(queries)


def raw_sessions_page(database, clinic_id, page_size: int) -> bytes:
    """The rows of one sessions page by plain SQL, nested and encoded as JSON."""
    from psycopg.rows import dict_row

    with database.cursor(row_factory=dict_row) as cursor:
        sessions = cursor.execute(SESSIONS_SQL, (clinic_id, page_size)).fetchall()
        ids = [session["id"] for session in sessions]
        for name, sql in CHILDREN_SQL.items():
            children = {session["id"]: [] for session in sessions}
            for row in cursor.execute(sql, (ids,)):
                children[row.pop("session_id")].append(row)
            for session in sessions:
                session[name] = children[session["id"]]
        patients = list({session["patient_id"] for session in sessions})
        screenings = {patient: [] for patient in patients}
        for row in cursor.execute(SCREENINGS_SQL, (patients,)):
            screenings[row.pop("patient_id")].append(row)
    return json.dumps({"results": sessions}, default=str).encode()


def raw_appointments_page(database, clinic_id, page_size: int) -> bytes:
    from psycopg.rows import dict_row

    with database.cursor(row_factory=dict_row) as cursor:
        appointments = cursor.execute(APPOINTMENTS_SQL, (clinic_id, page_size)).fetchall()
    return json.dumps({"results": appointments}, default=str).encode()


def measure() -> dict:
    import dataset
    import psycopg
    from django.db import connection

    small = dataset.populated_clinic("small", SMALL)
    dataset.fill_every_list(small)
    large = dataset.populated_clinic("large", LARGE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, after the bulk inserts
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    small_api, large_api = dataset.admin_client(small), dataset.admin_client(large)
    for endpoint in ENDPOINTS:  # the first request of a process sets things up once
        get_page(small_api, endpoint)
    queries = {
        endpoint: [queries_per_request(small_api, endpoint, size) for size in PAGE_SIZES]
        for endpoint in ENDPOINTS
    }
    small_list, large_list = interleaved_medians(
        lambda: get_page(small_api, "sessions"),
        lambda: get_page(large_api, "sessions"),
        runs=RUNS,
    )
    with psycopg.connect(database_url(), autocommit=True) as database:
        api_page, raw_page = interleaved_medians(
            lambda: get_page(large_api, "sessions", 200),
            lambda: raw_sessions_page(database, large.pk, 200),
            runs=RUNS,
        )
        api_appointments, raw_appointments = interleaved_medians(
            lambda: get_page(large_api, "appointments", 200),
            lambda: raw_appointments_page(database, large.pk, 200),
            runs=RUNS,
        )
    return {
        "postgresql": postgresql,
        "queries": queries,
        "sessions_small_ms": small_list * 1000,
        "sessions_large_ms": large_list * 1000,
        "api_page_ms": api_page * 1000,
        "raw_page_ms": raw_page * 1000,
        "api_appointments_ms": api_appointments * 1000,
        "raw_appointments_ms": raw_appointments * 1000,
    }


def figures() -> dict:
    with throwaway_database("filiform_bench_lists"):
        return measure()


def main() -> None:
    results = figures()
    print(f"queries per list request, page size {' / '.join(map(str, PAGE_SIZES))}:")
    for endpoint, counts in results["queries"].items():
        print(f"  {endpoint + '/':15} {' / '.join(map(str, counts))}")
    small, large = results["sessions_small_ms"], results["sessions_large_ms"]
    print(
        f"sessions list, {SMALL:,} vs {LARGE:,} sessions: {small:.1f} ms vs {large:.1f} ms, "
        f"ratio {large / small:.2f}  (goal <= {GROWTH_GOAL})"
    )
    api, raw = results["api_page_ms"], results["raw_page_ms"]
    print(
        f"sessions list of 200 vs raw psycopg + JSON: {api:.1f} ms vs {raw:.1f} ms, "
        f"ratio {api / raw:.2f}  (goal <= {RAW_GOAL})"
    )
    api, raw = results["api_appointments_ms"], results["raw_appointments_ms"]
    print(
        f"appointments list of 200 vs raw psycopg + JSON: {api:.1f} ms vs {raw:.1f} ms, "
        f"ratio {api / raw:.2f}  (goal <= {RAW_GOAL})"
    )


if __name__ == "__main__":
    main()
