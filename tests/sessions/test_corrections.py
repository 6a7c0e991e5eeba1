"""Corrections of a draft: the aftercare plan follows the record, and what may not change."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aftercare.models import Notification
from sessions.models import Appointment, NeedlingSession
from sessions.records import services

pytestmark = pytest.mark.django_db


def patch(api, session, **changes):
    return api.patch(f"/api/v1/sessions/{session['id']}/", changes, format="json")


def planned(session) -> dict[str, tuple[str, datetime]]:
    return {
        n.kind: (n.status, n.send_at)
        for n in Notification.objects.filter(session=session["id"], channel="sms")
    }


@pytest.fixture(autouse=True)
def sms_patient(patient):
    patient.preferred_channel, patient.sms_consent = "sms", True
    patient.save()


def test_heat_no_longer_advised_cancels_heat_ok_and_advised_again_plans_it(
    log_session, therapist_api
):
    session = log_session(heat_advised=True)
    heat_at = planned(session)["heat_ok"][1]
    assert patch(therapist_api, session, heat_advised=False).status_code == 200
    assert planned(session)["heat_ok"][0] == "cancelled"
    assert planned(session)["aftercare_immediate"][0] == "pending"
    patch(therapist_api, session, heat_advised=True)
    assert planned(session)["heat_ok"] == ("pending", heat_at)
    assert Notification.objects.filter(session=session["id"], kind="heat_ok").count() == 1


def test_a_later_end_re_times_every_pending_message(log_session, therapist_api):
    session = log_session(heat_advised=True)
    ended = datetime.fromisoformat(session["ended_at"]) + timedelta(minutes=10)
    patch(therapist_api, session, ended_at=ended.isoformat())
    now = planned(session)
    assert now["aftercare_immediate"] == ("pending", ended)
    assert now["heat_ok"] == ("pending", ended + timedelta(minutes=30))
    status, check_in = now["checkin_24h"]  # outside quiet hours, so maybe later than +24 h
    assert status == "pending" and check_in >= ended + timedelta(hours=24)


def test_clearing_the_end_cancels_what_follows_it(log_session, therapist_api):
    session = log_session(heat_advised=True)
    patch(therapist_api, session, ended_at=None)
    assert {status for status, _ in planned(session).values()} == {"cancelled"}


def test_the_patient_of_a_session_cannot_change(
    log_session, therapist_api, clinic, make_patient, screen
):
    session = log_session()
    ben = make_patient(clinic, given_name="Ben")
    screen(ben)
    answer = patch(therapist_api, session, patient=str(ben.id))
    assert answer.status_code == 400 and "patient" in answer.json()
    assert str(NeedlingSession.objects.get().patient_id) == session["patient"]
    assert patch(therapist_api, session, patient=session["patient"]).status_code == 200


def test_one_session_per_appointment_is_the_services_rule(
    therapist, patient, screen, book, monday_10, clinic
):
    screen(patient)
    appointment = Appointment.objects.get(pk=book(monday_10).json()["id"])
    now = datetime.now(UTC)

    def log():
        return services.log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            appointment=appointment,
            started_at=now - timedelta(hours=1),
            sites=[
                {
                    "muscle": "gastrocnemius",
                    "side": "left",
                    "technique": "trigger_point",
                    "depth": "deep",
                }
            ],
        )

    log()
    with pytest.raises(ValidationError) as refusal:
        log()
    assert "appointment" in refusal.value.message_dict
    assert NeedlingSession.objects.count() == 1


def test_a_superficial_site_too_deep_is_the_services_rule(therapist, patient, screen, clinic):
    """Whoever calls the service (not only the API's and the staff app's forms) hears which
    site is wrong, and nothing is written."""
    screen(patient)
    too_deep = {
        "muscle": "soleus",
        "side": "left",
        "technique": "superficial",
        "depth": "superficial",
        "depth_mm": Decimal("25.0"),
    }
    with pytest.raises(ValidationError) as refusal:
        services.log_session(
            clinic=clinic,
            actor=therapist,
            patient=patient,
            started_at=datetime.now(UTC) - timedelta(hours=1),
            sites=[{**too_deep, "depth": "deep"}, too_deep],
        )
    assert refusal.value.message_dict == {
        "sites": ["Site 2: Superficial needling goes at most 10 mm deep."]
    }
    assert not NeedlingSession.objects.exists()


def test_a_midline_site_of_a_paired_muscle_is_the_services_rule(log_session, therapist):
    """Whoever calls the service hears which site names no side of its muscle, on a new
    session as on a correction, and nothing is written."""
    session = NeedlingSession.objects.get(pk=log_session()["id"])
    midline = {"muscle": "soleus", "side": "midline", "technique": "trigger_point", "depth": "deep"}
    with pytest.raises(ValidationError) as refusal:
        services.log_session(
            clinic=session.clinic,
            actor=therapist,
            patient=session.patient,
            started_at=datetime.now(UTC) - timedelta(hours=1),
            sites=[{**midline, "side": "left"}, midline],
        )
    assert refusal.value.message_dict == {
        "sites": ["Site 2: The soleus is paired: name its side (left or right), or bilateral."]
    }
    with pytest.raises(ValidationError):
        services.correct_session(session, actor=therapist, sites=[midline])
    assert NeedlingSession.objects.count() == 1
    assert session.sites.count() == 3  # the logged sites stand


def test_a_correction_to_a_site_too_deep_is_refused_by_the_service(log_session, therapist):
    session = NeedlingSession.objects.get(pk=log_session()["id"])
    site = {"muscle": "soleus", "side": "left", "technique": "superficial", "depth": "superficial"}
    with pytest.raises(ValidationError) as refusal:
        services.correct_session(
            session, actor=therapist, sites=[{**site, "depth_mm": Decimal("12.0")}]
        )
    assert list(refusal.value.message_dict) == ["sites"]
    assert session.sites.count() == 3  # the logged sites stand
