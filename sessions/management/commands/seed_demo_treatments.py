from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinic.demo import demo_clinic
from screening.services import record_screening
from sessions.models import NeedlingSession
from sessions.records.selectors import sessions_done
from sessions.records.services import log_session
from sessions.scheduling.services import book_rest_of_course, create_course


class Command(BaseCommand):
    help = (
        "Give the demo clinic's first patients a screening, a course and a logged session (once)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        clinic = demo_clinic()
        if clinic is None:
            raise CommandError("Run seed_demo first.")
        if NeedlingSession.objects.filter(clinic=clinic).exists():
            return
        therapist = clinic.staff.get(username="demo-therapist")
        consented = (
            Q(preferred_channel="sms", sms_consent=True)
            | Q(preferred_channel="email", email_consent=True)
            | Q(preferred_channel="both", sms_consent=True, email_consent=True)
        )
        patients = list(clinic.patients.filter(consented).order_by("created_at")[:3])
        # A morning at the clinic that has just happened: screened an hour ago, needled for
        # half an hour, recorded now, as the time rules of the record require (nothing ends
        # in the future), so the first aftercare message goes out at once.
        now = timezone.now()
        for patient in patients:
            record_screening(
                patient=patient,
                performed_by=therapist,
                consent_given=True,
                answers={},
                performed_at=now - timedelta(hours=1),
            )
        first = patients[0]
        # Today's session is the course's first; the other four are booked after it.
        course = create_course(
            clinic=clinic,
            patient=first,
            therapist=therapist,
            indication="Neck pain",
            auto_schedule=False,
        )
        log_session(
            clinic=clinic,
            actor=therapist,
            patient=first,
            course=course,
            started_at=now - timedelta(minutes=32),
            ended_at=now - timedelta(minutes=2),
            pain_before=6,
            pain_after=3,
            heat_advised=True,
            notes="Demo: taut band in the left upper trapezius, LTR elicited.",
            needle_lot="DEMO-LOT-0001",
            needle_expiry=now.date() + timedelta(days=365),
            needles_removed=2,
            sites=[
                {
                    "muscle": "upper_trapezius",
                    "side": "left",
                    "technique": "trigger_point",
                    "manipulation": "pistoning",
                    "depth": "superficial",
                    "depth_mm": 8,
                    "needle_count": 2,
                    "twitch_response": True,
                }
            ],
        )
        book_rest_of_course(course)
        self.stdout.write(
            f"Demo treatments: {len(patients)} screenings, a 5-session course for {first} "
            f"({sessions_done(course)} of {course.planned_sessions} sessions done); "
            "its aftercare goes out now."
        )
