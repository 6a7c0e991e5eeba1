"""What logging a session costs, in process (Django's test client, no HTTP server):

1. The statements of one POST of a session with three sites, counted and listed.
2. That POST against a raw psycopg transaction writing the same rows (the session, its sites,
   the aftercare messages it plans; the audit triggers write their entries in both): the
   ratio of medians (goal <= 5).

    .venv/bin/python bench/writes.py   # -v also prints every statement of one POST
"""

import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import throwaway_database
from timing import interleaved_medians

from tests.real_parts import database_url

RUNS = 60
RAW_GOAL = 5  # logging a session vs the raw transaction
PATIENTS = 2 * RUNS + 10  # a patient per session logged, so no run waits on another's rows


def post_session(client, patient_id: str) -> dict:
    from tests.bodies import session_body

    answer = client.post(
        "/api/v1/sessions/", json.dumps(session_body(patient_id)), content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def rows_of(cursor, table: str, column: str, value) -> list[dict]:
    return cursor.execute(f"SELECT * FROM {table} WHERE {column} = %s", (value,)).fetchall()


def insert(cursor, table: str, rows: list[dict]) -> None:
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        + ", ".join([f"({', '.join(['%s'] * len(columns))})"] * len(rows)),
        [Jsonb(v) if isinstance(v, list | dict) else v for row in rows for v in row.values()],
    )


def raw_writer(database, session_id: str, actor: str):
    """A function writing a copy of that session's rows in one transaction, as the API does:
    the writer named to the audit triggers, then the session, its sites and its messages."""
    from psycopg.rows import dict_row

    with database.cursor(row_factory=dict_row) as cursor:
        session = rows_of(cursor, "needling_needlingsession", "id", session_id)[0]
        sites = rows_of(cursor, "needling_needlesite", "session_id", session_id)
        messages = rows_of(cursor, "aftercare_notification", "session_id", session_id)
    for site in sites:
        del site["id"]

    def write() -> None:
        new = uuid.uuid4()
        with database.transaction(), database.cursor() as cursor:
            cursor.execute("SELECT set_config('filiform.audit', %s, true)", (actor,))
            insert(cursor, "needling_needlingsession", [{**session, "id": new}])
            insert(cursor, "needling_needlesite", [{**site, "session_id": new} for site in sites])
            insert(
                cursor,
                "aftercare_notification",
                [
                    {
                        **message,
                        "id": uuid.uuid4(),
                        "session_id": new,
                        "dedupe_key": message["dedupe_key"].replace(session_id, str(new)),
                    }
                    for message in messages
                ],
            )

    return write


def measure(verbose: bool = False) -> dict:
    import dataset
    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clinic = dataset.new_clinic("writes")
    therapist = dataset.therapists(clinic, 1)[0]
    patients = iter(
        dataset.screened_patients(
            clinic, therapist, PATIENTS, datetime.now(UTC) - timedelta(days=3)
        )
    )
    client = dataset.api_client(therapist)
    post_session(client, str(next(patients).pk))  # the first request sets things up once
    with CaptureQueriesContext(connection) as queries:
        logged = post_session(client, str(next(patients).pk))
    statements = len(queries)  # now: each request resets Django's list of queries
    if verbose:
        for query in queries:
            print(" ", query["sql"][:160])
    actor = json.dumps({"actor_type": "staff", "actor_id": str(therapist.pk)})
    with psycopg.connect(database_url()) as database:
        api, raw = interleaved_medians(
            lambda: post_session(client, str(next(patients).pk)),
            raw_writer(database, logged["id"], actor),
            runs=RUNS,
        )
    return {"statements": statements, "api_ms": api * 1000, "raw_ms": raw * 1000}


def figures(verbose: bool = False) -> dict:
    with throwaway_database("filiform_bench_writes"):
        return measure(verbose)


def main() -> None:
    results = figures(verbose="-v" in sys.argv)
    api, raw = results["api_ms"], results["raw_ms"]
    print(f"log a session with 3 sites: {results['statements']} statements")
    print(
        f"log a session with 3 sites vs raw psycopg transaction: {api:.1f} ms vs {raw:.1f} ms, "
        f"ratio {api / raw:.2f}  (goal <= {RAW_GOAL})"
    )


if __name__ == "__main__":
    main()
