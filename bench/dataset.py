"""Realistic clinics for the benchmarks, built with the services where it is cheap and
bulk inserts where there are many rows. Import after `throwaway_database()` has set Django up.

`populated_clinic(name, n)`: 20 therapists and n/4 patients, each screened once with one
course; n sessions over two years, each with a completed appointment and three needle sites
(one in ten with electrical stimulation, one in twenty with an addendum), signed when older
than a day; and n/20 appointments booked ahead. `fill_every_list(clinic)` adds what it takes
for every list endpoint to fill a page of 200.
"""

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from django.db.models import F
from django.test import Client
from rest_framework.authtoken.models import Token

from aftercare.models import Notification
from clinic.demo import demo_patients
from clinic.models import Clinic, Patient, Room, Staff
from clinic.services import create_clinic, create_staff
from screening.models import Screening
from screening.rules import VALIDITY
from screening.services import record_screening
from sessions.models import (
    Addendum,
    Appointment,
    ElectricalStimulation,
    NeedleSite,
    NeedlingSession,
    SideEffect,
    TreatmentCourse,
)
from tests.bodies import site, three_sites

PASSWORD = "bench-password-123"
THERAPISTS = 20
HISTORY = timedelta(days=730)
BATCH = 2000
WEEKDAYS_8_TO_18 = [{"weekday": d, "start": time(8), "end": time(18)} for d in range(5)]


THREE_SITES = three_sites()
ELECTRICAL_SITES = [site(technique="electrical"), site(side="right", technique="electrical")]
STIMULATION = {
    "frequency_hz": "2.0",
    "pulse_width_us": 250,
    "intensity_ma": "4.5",
    "waveform": "biphasic",
    "duration_minutes": 15,
}


def new_clinic(name: str) -> Clinic:
    return create_clinic(
        name=name, timezone="Europe/London", admin_username=f"{name}-admin", admin_password=PASSWORD
    )


def token(staff: Staff) -> str:
    return Token.objects.get_or_create(user=staff)[0].key


def api_client(staff: Staff) -> Client:
    """Django's test client (no HTTP server), signed in as `staff` by token."""
    return Client(SERVER_NAME="localhost", headers={"authorization": f"Token {token(staff)}"})


def admin_client(clinic: Clinic) -> Client:
    return api_client(clinic.staff.get(role="admin"))


def therapists(clinic: Clinic, count: int, first: int = 0) -> list[Staff]:
    return [
        create_staff(
            clinic=clinic,
            username=f"{clinic.name}-therapist-{n}",
            password=PASSWORD,
            full_name=f"Therapist {n}",
            dn_certified_until=date.today() + timedelta(days=365),
            working_hours=WEEKDAYS_8_TO_18,
        )
        for n in range(first, first + count)
    ]


def rooms(clinic: Clinic, count: int) -> None:
    Room.objects.bulk_create(Room(clinic=clinic, name=f"Room {n}") for n in range(count))


def screened_patients(clinic: Clinic, therapist: Staff, count: int, at: datetime) -> list:
    """`count` demo patients, each with a cleared screening performed at `at`: copies of one
    that the service assessed (and that is then dropped, as it is dated today)."""
    patients = Patient.objects.bulk_create(demo_patients(clinic, count), batch_size=BATCH)
    first = record_screening(
        patient=patients[0], performed_by=therapist, consent_given=True, answers={}
    )
    Screening.objects.filter(pk=first.pk).delete()
    assessed = ("answers", "outcome", "findings", "excluded_regions", "excluded_techniques")
    copied = {name: getattr(first, name) for name in (*assessed, "precautions")}
    Screening.objects.bulk_create(
        (
            Screening(
                clinic=clinic,
                patient=patient,
                performed_by=therapist,
                performed_at=at,
                valid_until=at + VALIDITY,
                consent_given=True,
                **copied,
            )
            for patient in patients
        ),
        batch_size=BATCH,
    )
    return patients


def populated_clinic(name: str, sessions: int) -> Clinic:
    """A clinic with `sessions` needling sessions over the last two years (see the top)."""
    clinic = new_clinic(name)
    staff = therapists(clinic, THERAPISTS)
    start = datetime.now(UTC).replace(microsecond=0) - HISTORY
    patients = screened_patients(clinic, staff[0], max(sessions // 4, THERAPISTS), start)
    screening_of = dict(Screening.objects.filter(clinic=clinic).values_list("patient", "pk"))
    courses = TreatmentCourse.objects.bulk_create(
        (
            TreatmentCourse(
                clinic=clinic,
                patient=patient,
                therapist=staff[n % THERAPISTS],
                indication="Chronic neck pain",
                earliest_start=start,
            )
            for n, patient in enumerate(patients)
        ),
        batch_size=BATCH,
    )
    course_of = {course.patient_id: course for course in courses}
    spacing = HISTORY / sessions
    numbers = iter(range(sessions))
    while chunk := list(islice(numbers, BATCH)):
        # Session n: therapist n % 20, patient n % patients, so no one is ever double-booked.
        slots = [
            (start + n * spacing, staff[n % THERAPISTS], patients[n % len(patients)]) for n in chunk
        ]
        _sessions(clinic, slots, course_of, screening_of)
    _booked_ahead(clinic, staff, patients, sessions // 20)
    NeedlingSession.objects.filter(
        clinic=clinic, ended_at__lt=datetime.now(UTC) - timedelta(days=1)
    ).update(status="signed", signed_at=F("ended_at"), signed_by=F("therapist"))
    return clinic


def _sessions(clinic, slots, course_of, screening_of) -> None:
    """Sessions at (start, therapist, patient) with their appointment, sites and the rest."""
    appointments = Appointment.objects.bulk_create(
        Appointment(
            clinic=clinic,
            patient=patient,
            therapist=therapist,
            course=course_of[patient.pk],
            starts_at=started,
            ends_at=started + timedelta(minutes=45),
            status="completed",
        )
        for started, therapist, patient in slots
    )
    sessions = NeedlingSession.objects.bulk_create(
        NeedlingSession(
            clinic=clinic,
            patient_id=appointment.patient_id,
            therapist_id=appointment.therapist_id,
            appointment=appointment,
            course_id=appointment.course_id,
            screening_id=screening_of[appointment.patient_id],
            started_at=appointment.starts_at,
            ended_at=appointment.starts_at + timedelta(minutes=40),
            pain_before=7,
            pain_after=4,
            heat_advised=True,
            notes="Taut band in the left calf; LTR elicited.",
        )
        for appointment in appointments
    )
    electrical = sessions[::10]
    sites = NeedleSite.objects.bulk_create(
        NeedleSite(
            clinic_id=session.clinic_id,
            session=session,
            position=position,
            muscle_id=s["muscle"],
            **_fields(s),
        )
        for n, session in enumerate(sessions)
        for position, s in enumerate(
            ELECTRICAL_SITES + THREE_SITES[2:] if n % 10 == 0 else THREE_SITES
        )
    )
    first_sites = {s.session_id: s for s in sites if s.position == 0}
    second_sites = {s.session_id: s for s in sites if s.position == 1}
    ElectricalStimulation.objects.bulk_create(
        ElectricalStimulation(
            clinic_id=session.clinic_id,
            session=session,
            site_a=first_sites[session.pk],
            site_b=second_sites[session.pk],
            **STIMULATION,
        )
        for session in electrical
    )
    Addendum.objects.bulk_create(
        Addendum(
            clinic_id=session.clinic_id,
            session=session,
            author_id=session.therapist_id,
            text="Reviewed at follow-up.",
        )
        for session in sessions[::20]
    )


def _fields(api_site: dict) -> dict:
    return {name: value for name, value in api_site.items() if name != "muscle"}


def _booked_ahead(clinic, staff, patients, count) -> None:
    """`count` booked appointments from tomorrow, an hour apart per therapist."""
    tomorrow = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    Appointment.objects.bulk_create(
        (
            Appointment(
                clinic=clinic,
                patient=patients[n % len(patients)],
                therapist=staff[n % THERAPISTS],
                starts_at=tomorrow + timedelta(hours=n // THERAPISTS),
                ends_at=tomorrow + timedelta(hours=n // THERAPISTS, minutes=45),
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )


def fill_every_list(clinic: Clinic) -> None:
    """Therapists and rooms to 200 or more; a side effect for one session in four and a sent
    aftercare message for every session."""
    therapists(clinic, 200 - THERAPISTS, first=THERAPISTS)
    rooms(clinic, 200)
    sessions = list(NeedlingSession.objects.filter(clinic=clinic).order_by("started_at"))
    SideEffect.objects.bulk_create(
        SideEffect(
            clinic=clinic,
            session=session,
            patient_id=session.patient_id,
            kind="bruising",
            severity="mild",
            onset_at=session.ended_at,
            reported_by="therapist",
            serious=False,
        )
        for session in sessions[::4]
    )
    Notification.objects.bulk_create(
        Notification(
            clinic=clinic,
            patient_id=session.patient_id,
            session=session,
            kind="aftercare_immediate",
            channel="sms",
            dedupe_key=f"session:{session.pk}:aftercare_immediate:sms",
            send_at=session.ended_at,
            due_at=session.ended_at,
            expires_at=session.ended_at + timedelta(hours=6),
            status="sent",
            sent_at=session.ended_at,
            attempts=1,
        )
        for session in sessions
    )
