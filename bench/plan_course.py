"""How long does planning a 5-session course take, with two years of dense history vs one week?

The goal is a ratio of at most 1.5: the cost must follow the 12-week search window, not the
history. Runs on PostgreSQL (DATABASE_URL, else the local server) in a throwaway database.

    .venv/bin/python bench/plan_course.py
"""

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import throwaway_database

RUNS = 30


def therapist_with_history(clinic, username: str, weeks: int):
    from clinic.services import create_patient, create_staff
    from sessions.models import Appointment

    therapist = create_staff(
        clinic=clinic,
        username=username,
        password="bench-password-123",
        dn_certified_until=datetime.now(UTC).date() + timedelta(days=400),
        working_hours=[{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(5)],
    )
    regular = create_patient(clinic=clinic, given_name="Regular", family_name=username)
    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    history = []
    for day in range(1, weeks * 7 + 1):
        opening = today - timedelta(days=day)
        if opening.weekday() < 5:  # full working days, back to back
            history += [
                Appointment(
                    clinic=clinic,
                    patient=regular,
                    therapist=therapist,
                    status="completed",
                    starts_at=opening + timedelta(minutes=45 * n),
                    ends_at=opening + timedelta(minutes=45 * (n + 1)),
                )
                for n in range(13)
            ]
    Appointment.objects.bulk_create(history, batch_size=2000)
    return therapist, len(history)


def plan_seconds(therapist, patient) -> float:
    from sessions.scheduling.services import plan_course

    started = time.perf_counter()
    plan = plan_course(
        therapist=therapist,
        patient=patient,
        room=None,
        earliest_start=datetime.now(UTC),
        planned_sessions=5,
        session_minutes=45,
        min_gap_days=2,
        max_gap_days=7,
    )
    assert plan is not None and len(plan) == 5
    return time.perf_counter() - started


def medians(*therapists, patient) -> list[float]:
    """Median seconds per therapist, measured in turns so that drift hits all alike."""
    timings = [[] for _ in therapists]
    for _ in range(RUNS):
        for therapist, times in zip(therapists, timings, strict=True):
            times.append(plan_seconds(therapist, patient))
    return [statistics.median(times) for times in timings]


def main() -> None:
    from django.db import connection

    from clinic.services import create_clinic, create_patient

    clinic = create_clinic(
        name="Bench",
        timezone="Europe/London",
        admin_username="bench-admin",
        admin_password="bench-password-123",
    )
    patient = create_patient(clinic=clinic, given_name="New", family_name="Patient")
    dense, dense_count = therapist_with_history(clinic, "two-years", weeks=104)
    light, light_count = therapist_with_history(clinic, "one-week", weeks=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    two_years, one_week = medians(dense, light, patient=patient)
    print(f"database: {connection.vendor}, {RUNS} runs each, median")
    print(
        f"plan 5 sessions, {dense_count:>5} past appointments (2 years): {two_years * 1000:7.2f} ms"
    )
    print(
        f"plan 5 sessions, {light_count:>5} past appointments (1 week):  {one_week * 1000:7.2f} ms"
    )
    print(f"ratio two years / one week: {two_years / one_week:.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    with throwaway_database():
        main()
