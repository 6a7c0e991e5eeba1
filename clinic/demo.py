"""A realistic demo clinic: staff with working hours, rooms, and patients with varied channels."""

import random
from collections.abc import Iterator
from datetime import date, time, timedelta

from django.db import transaction

from clinic.models import Clinic, Patient, PreferredChannel, Role, Room, Staff
from clinic.services import create_clinic, create_staff

CLINIC_NAME = "Filiform Demo Physiotherapy"
ADMIN = ("demo-admin", "tender-point-42")
THERAPISTS = [
    ("demo-therapist", "Alex Morgan", [(d, time(8, 0), time(16, 0)) for d in range(5)]),
    ("sam.okafor", "Sam Okafor", [(d, time(12, 0), time(20, 0)) for d in (0, 1, 2, 3)]),
    ("priya.shah", "Priya Shah", [(d, time(9, 0), time(13, 0)) for d in (1, 3, 5)]),
]
THERAPIST_PASSWORD = "twitch-response-42"
ROOMS = ["Treatment room 1", "Treatment room 2", "Gym"]
GIVEN = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Ewa",
    "Femi",
    "Grace",
    "Hugo",
    "Isla",
    "Jon",
    "Kira",
    "Luca",
]
FAMILY = ["Lovelace", "Turner", "Nguyen", "Patel", "Kowalski", "Adeyemi", "Hopper", "Moreau"]


def demo_clinic() -> Clinic | None:
    return Clinic.objects.filter(name=CLINIC_NAME).first()


@transaction.atomic
def build_demo_clinic() -> Clinic:
    clinic = create_clinic(
        name=CLINIC_NAME, timezone="Europe/London", admin_username=ADMIN[0], admin_password=ADMIN[1]
    )
    certified = date.today() + timedelta(days=365)
    for username, full_name, hours in THERAPISTS:
        create_staff(
            clinic=clinic,
            username=username,
            password=THERAPIST_PASSWORD,
            role=Role.THERAPIST,
            full_name=full_name,
            dn_certified_until=certified,
            working_hours=[{"weekday": d, "start": s, "end": e} for d, s, e in hours],
        )
    Room.objects.bulk_create(Room(clinic=clinic, name=name) for name in ROOMS)
    return clinic


def demo_patients(clinic: Clinic, count: int, seed: int = 7) -> Iterator[Patient]:
    """Patients with every channel and consent combination a clinic sees."""
    rng = random.Random(seed)
    for n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        channel = rng.choice(PreferredChannel.values)
        yield Patient(
            clinic=clinic,
            given_name=given,
            family_name=f"{family}-{n}" if count > len(GIVEN) * len(FAMILY) else family,
            date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55)),
            phone=f"+447911{100000 + n % 200000:06d}",  # a range phonenumbers accepts
            email=f"{given.lower()}.{family.lower()}.{n}@example.org",
            preferred_channel=channel,
            sms_consent=rng.random() < 0.85,
            email_consent=rng.random() < 0.9,
            timezone=clinic.timezone,
        )


def staff_logins() -> list[tuple[str, str, str]]:
    logins = [(ADMIN[0], ADMIN[1], "clinic administrator")]
    names = [username for username, _, _ in THERAPISTS]
    for staff in Staff.objects.filter(username__in=names).order_by("username"):
        logins.append((staff.username, THERAPIST_PASSWORD, "therapist"))
    return logins
