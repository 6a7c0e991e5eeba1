"""How long does planning a 5-session course take, with two years of dense history vs one week?

The goal is a ratio of at most 1.5: the cost must follow the 12-week search window, not the
history. Runs on PostgreSQL (DATABASE_URL, else the local server) in a throwaway database.

    .venv/bin/python bench/plan_course.py
"""

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from setup_django import throwaway_database
from timing import interleaved_medians

RUNS = 30
GOAL = 1.5  # two years of history vs one week


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
    regular = create_patient(
        clinic=clinic, given_name="Regular", family_name=username, date_of_birth=date(1980, 1, 1)
    )
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


def plan_five_sessions(therapist, patient) -> None:
    from sessions.scheduling.services import plan_course

    planned = plan_course(
        therapist=therapist,
        patient=patient,
        room=None,
        earliest_start=datetime.now(UTC),
        planned_sessions=5,
        session_minutes=45,
        min_gap_days=2,
        max_gap_days=7,
    )
    assert planned is not None and len(planned) == 5


def measure() -> dict:
    from django.db import connection

    from clinic.services import create_clinic, create_patient

    clinic = create_clinic(
        name="Bench",
        timezone="Europe/London",
        admin_username="bench-admin",
        admin_password="bench-password-123",
    )
    patient = create_patient(
        clinic=clinic, given_name="New", family_name="Patient", date_of_birth=date(1980, 1, 1)
    )
    dense, dense_count = therapist_with_history(clinic, "two-years", weeks=104)
    light, light_count = therapist_with_history(clinic, "one-week", weeks=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    two_years, one_week = interleaved_medians(
        lambda: plan_five_sessions(dense, patient),
        lambda: plan_five_sessions(light, patient),
        runs=RUNS,
    )
    return {
        "two_years_ms": two_years * 1000,
        "one_week_ms": one_week * 1000,
        "two_years_appointments": dense_count,
        "one_week_appointments": light_count,
    }


def figures() -> dict:
    with throwaway_database("filiform_bench_plan_course"):
        return measure()


def main() -> None:
    results = figures()
    two_years, one_week = results["two_years_ms"], results["one_week_ms"]
    print(f"PostgreSQL, {RUNS} runs each, median")
    print(
        f"plan 5 sessions, {results['two_years_appointments']:>5} past appointments (2 years): "
        f"{two_years:7.2f} ms"
    )
    print(
        f"plan 5 sessions, {results['one_week_appointments']:>5} past appointments (1 week):  "
        f"{one_week:7.2f} ms"
    )
    print(f"ratio two years / one week: {two_years / one_week:.2f}  (goal <= {GOAL})")


if __name__ == "__main__":
    main()
