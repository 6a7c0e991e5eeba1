"""When a session may say it happened, and what the record says about when it was entered."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F

from screening.models import Screening
from screening.services import record_screening
from sessions.models import NeedlingSession
from sessions.records.rules import time_problem
from tests.bodies import site

pytestmark = pytest.mark.django_db


def ago(**span) -> str:
    return (datetime.now(UTC) - timedelta(**span)).isoformat()


def ahead(**span) -> str:
    return (datetime.now(UTC) + timedelta(**span)).isoformat()


def log(api, body):
    return api.post("/api/v1/sessions/", body, format="json")


@pytest.mark.parametrize(
    "times",
    [
        {"started_at": ahead(minutes=10), "ended_at": None},
        {"started_at": ago(hours=1), "ended_at": ahead(minutes=10)},
        {"started_at": ago(days=8), "ended_at": ago(days=8, minutes=-40)},
    ],
    ids=["starts in the future", "ends in the future", "more than a week ago"],
)
def test_a_session_outside_the_entry_window_is_invalid_time(
    therapist_api, screen, patient, session_body, times
):
    screen(patient)
    answer = log(therapist_api, session_body(**times))
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_time"
    assert answer.json()["detail"]
    assert not NeedlingSession.objects.exists()


def test_the_time_is_checked_before_any_screening_rule(therapist_api, session_body):
    # Never screened, so screening_required would follow: the impossible time comes first.
    answer = log(therapist_api, session_body(started_at=ahead(hours=2), ended_at=None))
    assert answer.json()["code"] == "invalid_time"


def test_a_week_old_draft_is_corrected_with_its_times_sent_back_unchanged(
    log_session, therapist_api
):
    session = log_session()
    week_ago = {name: F(name) - timedelta(days=8) for name in ("started_at", "ended_at")}
    Screening.objects.update(performed_at=F("performed_at") - timedelta(days=8))
    NeedlingSession.objects.filter(pk=session["id"]).update(**week_ago)
    shown = therapist_api.get(f"/api/v1/sessions/{session['id']}/").json()
    times = {name: shown[name] for name in ("started_at", "ended_at")}  # as a client resends them
    answer = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/", {**times, "needles_removed": 6}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    moved = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/", {"started_at": ago(days=9)}, format="json"
    )
    assert moved.json()["code"] == "invalid_time"  # a time changed now meets the window


def test_a_correction_cannot_move_the_end_into_the_future(log_session, therapist_api):
    session = log_session()
    answer = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/", {"ended_at": ahead(hours=1)}, format="json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_time"
    assert (
        therapist_api.get(f"/api/v1/sessions/{session['id']}/").json()["ended_at"]
        == (session["ended_at"])
    )


def test_the_session_says_when_it_was_recorded_and_warns_when_that_was_late(
    therapist_api, screen, patient, session_body
):
    screen(patient)  # three days ago
    prompt = log(therapist_api, session_body()).json()
    late = log(therapist_api, session_body(started_at=ago(hours=30), ended_at=ago(hours=29)))
    assert prompt["recorded_at"] and [w["code"] for w in prompt["warnings"]] == []
    assert [w["code"] for w in late.json()["warnings"]] == ["late_entry"]
    assert late.json()["recorded_at"] > late.json()["started_at"]


@pytest.mark.parametrize(
    "answers, warned",
    [
        ({}, False),
        ({"needle_phobia": True}, True),  # not_cleared
        ({"local_infection_regions": [{"region": "knee_leg", "side": "left"}]}, True),
        ({"local_infection_regions": [{"region": "thorax", "side": "any"}]}, False),
    ],
)
def test_a_later_screening_that_would_have_refused_the_session_is_shown_on_it(
    therapist_api, screen, patient, therapist, session_body, answers, warned
):
    screen(patient)
    session_id = log(therapist_api, session_body()).json()["id"]  # started an hour ago
    record_screening(patient=patient, performed_by=therapist, consent_given=True, answers=answers)
    shown = therapist_api.get(f"/api/v1/sessions/{session_id}/").json()
    listed = therapist_api.get("/api/v1/sessions/").json()["results"][0]
    for answer in (shown, listed):
        assert ("superseded_screening" in [w["code"] for w in answer["warnings"]]) is warned


def test_a_later_pregnancy_screening_warns_on_a_session_that_needled_the_iliopsoas(
    therapist_api, screen, patient, therapist, session_body
):
    screen(patient)
    sites = [site("iliopsoas", "left")]
    session_id = log(therapist_api, session_body(sites=sites)).json()["id"]  # an hour ago
    # Pregnancy closes the iliopsoas by name; its region, the hip and thigh, stays open.
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={"pregnancy_trimester": 2},
    )
    shown = therapist_api.get(f"/api/v1/sessions/{session_id}/").json()
    listed = therapist_api.get("/api/v1/sessions/").json()["results"][0]
    for answer in (shown, listed):
        superseded = [w for w in answer["warnings"] if w["code"] == "superseded_screening"]
        assert len(superseded) == 1 and "iliopsoas" in superseded[0]["message"]


def test_a_paper_screening_entered_after_the_session_but_done_before_it_warns_when_signed(
    therapist_api, screen, patient, therapist, session_body
):
    screen(patient)  # three days ago: cleared
    body = session_body(sites=[site("quadratus_lumborum", "left")], needles_removed=2)
    session_id = log(therapist_api, body).json()["id"]  # started an hour ago
    # The paper screening done at the desk just before the session, entered now: pregnant.
    record_screening(
        patient=patient,
        performed_by=therapist,
        consent_given=True,
        answers={"pregnancy_trimester": 2},
        performed_at=datetime.now(UTC) - timedelta(minutes=70),
    )
    signed = therapist_api.post(f"/api/v1/sessions/{session_id}/sign/").json()
    listed = therapist_api.get("/api/v1/sessions/").json()["results"][0]
    for answer in (signed, listed):
        superseded = [w for w in answer["warnings"] if w["code"] == "superseded_screening"]
        assert len(superseded) == 1 and "lumbar" in superseded[0]["message"]


def test_the_demo_obeys_the_same_time_rules():
    call_command("seed_demo", patients=12)
    call_command("seed_demo_treatments")
    session = NeedlingSession.objects.get()
    assert session.ended_at < datetime.now(UTC)
    assert (
        time_problem(
            started_at=session.started_at, ended_at=session.ended_at, now=session.recorded_at
        )
        is None
    )
    assert session.screening.performed_at < session.started_at
