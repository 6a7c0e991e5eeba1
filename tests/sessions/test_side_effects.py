"""Side effects: reported, classified by the domain's serious rule, announced."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sessions import events
from sessions.models import NeedlingSession, SideEffect
from sessions.records.rules import is_serious
from sessions.records.services import report_side_effect
from tests.query_counts import queries

pytestmark = pytest.mark.django_db


def minutes_ago(minutes: int) -> datetime:
    """A moment after the session of `session_id` began (an hour ago) when under 60."""
    return datetime.now(UTC) - timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "kind, severity, serious",
    [
        ("bruising", "mild", False),
        ("bruising", "severe", True),
        ("pneumothorax", "mild", True),
        ("nerve_injury", "moderate", True),
        ("infection", "mild", True),
        ("fainting", "moderate", False),
        ("other", "severe", True),
        ("chest_pain", "mild", True),
        ("breathlessness", "mild", True),
        ("dizziness", "moderate", False),
    ],
)
def test_the_serious_rule(kind, severity, serious):
    assert is_serious(kind, severity) is serious


@pytest.fixture
def session_id(therapist_api, screen, patient, session_body):
    screen(patient)
    return therapist_api.post("/api/v1/sessions/", session_body(), format="json").json()["id"]


def report(api, session_id, **fields):
    body = {"session": session_id, "kind": "bruising", "severity": "mild", **fields}
    return api.post("/api/v1/side-effects/", body, format="json")


def test_a_therapist_reports_a_side_effect(therapist_api, session_id, patient):
    answer = report(
        therapist_api,
        session_id,
        notes="Small bruise over the calf",
        onset_at=minutes_ago(10).isoformat(),
    )
    assert answer.status_code == 201, answer.json()
    effect = answer.json()
    assert (effect["reported_by"], effect["serious"], effect["patient"]) == (
        "therapist",
        False,
        str(patient.id),
    )


def test_a_patients_report_taken_by_the_clinic_says_the_patient_reported_it(
    therapist_api, session_id
):
    answer = report(therapist_api, session_id, reported_by="patient")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["reported_by"] == "patient"
    refused = report(therapist_api, session_id, reported_by="neighbour")
    assert refused.status_code == 400 and "reported_by" in refused.json()


@pytest.mark.parametrize("kind", ["chest_pain", "breathlessness"])
def test_chest_pain_and_breathlessness_are_reported_as_serious(therapist_api, session_id, kind):
    answer = report(therapist_api, session_id, kind=kind, severity="mild")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["serious"] is True


@pytest.mark.parametrize("kind", ["chest_pain", "breathlessness"])
def test_the_database_refuses_them_marked_not_serious(session_id, clinic, patient, kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        SideEffect.objects.create(
            clinic=clinic,
            session_id=session_id,
            patient=patient,
            kind=kind,
            severity="mild",
            reported_by="patient",
            serious=False,
        )


def test_serious_is_derived_not_chosen(therapist_api, session_id):
    answer = report(therapist_api, session_id, kind="pneumothorax", serious=False)
    assert answer.json()["serious"] is True


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "sunburn"}, "kind"),
        ({"severity": "awful"}, "severity"),
        ({"session": "00000000-0000-0000-0000-000000000000"}, "session"),
    ],
)
def test_bad_reports_are_400(therapist_api, session_id, fields, field):
    answer = report(therapist_api, session_id, **fields)
    assert answer.status_code == 400 and field in answer.json()


@pytest.mark.parametrize(
    "onset, resolved, field, why",
    [
        (10, 20, "resolved_at", "Must not be before onset_at."),
        (90, None, "onset_at", "Must not be before the session started."),
        (-60, None, "onset_at", "It is in the future."),
        (10, -60, "resolved_at", "It is in the future."),
    ],
)
def test_a_side_effect_follows_its_session_and_has_happened(
    therapist_api, session_id, onset, resolved, field, why
):
    """Minutes ago: the session began 60 minutes ago; negative minutes are still to come."""
    times = {"onset_at": minutes_ago(onset).isoformat()}
    if resolved is not None:
        times["resolved_at"] = minutes_ago(resolved).isoformat()
    answer = report(therapist_api, session_id, **times)
    assert answer.status_code == 400 and answer.json()[field] == [why]
    assert not SideEffect.objects.exists()


def test_a_clock_a_few_minutes_fast_is_not_a_side_effect_from_the_future(therapist_api, session_id):
    assert (
        report(therapist_api, session_id, onset_at=minutes_ago(-3).isoformat()).status_code == 201
    )


def test_every_edge_gets_the_resolution_rule(session_id):
    """The staff app, the aftercare replies and the admin report through the service too: a
    side effect resolved before its onset is a field error there, and nothing is recorded."""
    with pytest.raises(ValidationError) as refusal:
        report_side_effect(
            session=NeedlingSession.objects.get(pk=session_id),
            kind="bruising",
            severity="mild",
            onset_at=minutes_ago(10),
            resolved_at=minutes_ago(20),
        )
    assert "resolved_at" in refusal.value.message_dict
    assert not SideEffect.objects.exists()


def test_reports_are_announced(therapist_api, session_id):
    heard = []
    events.side_effect_reported.connect(
        lambda sender, side_effect, **kw: heard.append(side_effect.kind),
        weak=False,
        dispatch_uid="test-heard",
    )
    try:
        report(therapist_api, session_id, kind="dizziness")
    finally:
        events.side_effect_reported.disconnect(dispatch_uid="test-heard")
    assert heard == ["dizziness"]


def test_filters_and_clinic_scope(therapist_api, other_admin_api, session_id):
    report(therapist_api, session_id)
    report(therapist_api, session_id, kind="infection")
    serious = therapist_api.get("/api/v1/side-effects/", {"serious": "true"}).json()["results"]
    assert [e["kind"] for e in serious] == ["infection"]
    assert (
        len(therapist_api.get("/api/v1/side-effects/", {"session": session_id}).json()["results"])
        == 2
    )
    assert other_admin_api.get("/api/v1/side-effects/").json()["results"] == []
    assert report(other_admin_api, session_id).status_code == 400


def test_the_list_costs_the_same_queries_for_1_or_200(therapist_api, session_id):
    for _ in range(5):
        report(therapist_api, session_id)
    counts = [queries(therapist_api, "/api/v1/side-effects/", {"page_size": n}) for n in (1, 200)]
    assert counts[0] == counts[1]
