from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from clinic.demo import build_demo_clinic, demo_clinic, demo_patients, staff_logins
from clinic.models import Patient

BATCH = 1000


class Command(BaseCommand):
    help = "Build the demo clinic (once) and add patients; prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--patients", type=int, default=24, help="patients the clinic should have"
        )

    def handle(self, *args, patients, **options):
        clinic = demo_clinic() or build_demo_clinic()
        missing = max(0, patients - clinic.patients.count())
        with tqdm(total=missing, unit="patient", disable=missing < BATCH) as progress:
            batch = []
            for patient in demo_patients(clinic, missing, seed=clinic.patients.count()):
                batch.append(patient)
                if len(batch) == BATCH:
                    self._save(batch, progress)
            self._save(batch, progress)
        self.stdout.write(
            f"Demo clinic '{clinic.name}' ({clinic.id}) with {clinic.patients.count()} patients."
        )
        for username, password, role in staff_logins():
            self.stdout.write(f"  {role:<22} {username} / {password}")

    @staticmethod
    def _save(batch: list, progress) -> None:
        with transaction.atomic():
            Patient.objects.bulk_create(batch)
        progress.update(len(batch))
        batch.clear()
