"""On the embedded default (SQLite) every transaction is IMMEDIATE, so the booking service's
overlap check and its insert cannot interleave: racing processes still book a slot once."""

from tests.real_parts import run_django

RACE = """
import multiprocessing
from datetime import date, time, timedelta
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

def book(args):
    patient_id, starts_at = args
    connection.close()
    from core.errors import RuleViolation
    from clinic.models import Patient, Staff
    from sessions.scheduling.services import book_appointment
    patient = Patient.objects.get(pk=patient_id)
    therapist = Staff.objects.get(username="racer")
    try:
        book_appointment(clinic=patient.clinic, patient=patient, therapist=therapist,
                         starts_at=starts_at, ends_at=starts_at + timedelta(minutes=45))
        return "booked"
    except RuleViolation as refusal:
        return refusal.code

if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    from clinic.services import create_clinic, create_patient, create_staff
    clinic = create_clinic(name="Race", timezone="UTC", admin_username="race-admin",
                           admin_password="race-password-123")
    create_staff(clinic=clinic, username="racer", password="race-password-123",
                 working_hours=[{"weekday": d, "start": time(0), "end": time(23, 59)}
                                for d in range(7)])
    patients = [create_patient(clinic=clinic, given_name=f"P{n}", family_name="Race",
                               date_of_birth=date(1980, 1, 1)).pk
                for n in range(8)]
    slot = (timezone.now() + timedelta(days=2)).replace(hour=10, minute=0, second=0,
                                                         microsecond=0)
    with multiprocessing.get_context("fork").Pool(8) as pool:
        print(sorted(pool.map(book, [(p, slot) for p in patients])))
"""


def test_racing_processes_book_one_slot_once_on_sqlite(tmp_path):
    result = run_django(
        RACE,
        timeout=120,
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path}/race.sqlite3",
        FILIFORM_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == str(["booked"] + ["double_booked"] * 7)
