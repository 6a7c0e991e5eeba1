"""The demo clinic's treatments: what bin/run shows a newcomer."""

import pytest
from django.core.management import CommandError, call_command

from aftercare.models import Notification
from sessions.models import Appointment, NeedlingSession
from sessions.records.selectors import sessions_done

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_screened_patient_with_a_course_a_session_and_aftercare_on_its_way():
    call_command("seed_demo", patients=12)
    call_command("seed_demo_treatments")
    call_command("seed_demo_treatments")  # a second start of bin/run adds nothing
    session = NeedlingSession.objects.get()
    assert session.screening.outcome == "cleared"
    # Today's session is the first of a course of five; the other four are booked.
    assert (session.course.planned_sessions, sessions_done(session.course)) == (5, 1)
    assert Appointment.objects.filter(course=session.course, status="booked").count() == 4
    kinds = set(
        Notification.objects.filter(session=session, status="pending").values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"aftercare_immediate", "heat_ok", "checkin_24h"}


def test_treatments_need_the_demo_clinic_first():
    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_demo_treatments")
