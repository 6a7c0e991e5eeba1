"""Electrical stimulation through the API: the current-path rule (domain.md version 2) is a 400
field error on `electrical` naming the rule and the sites, on create and on correction."""

import pytest

from sessions.models import ElectricalStimulation, NeedlingSession
from tests.bodies import site, stimulation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cleared")]


def electrical(muscle, side):
    return site(muscle, side, "electrical", depth="superficial", depth_mm="8.0")


def log(api, session_body, first, second):
    body = session_body(sites=[electrical(*first), electrical(*second)], electrical=[stimulation()])
    return api.post("/api/v1/sessions/", body, format="json")


@pytest.mark.parametrize(
    "first, second, rule",
    [
        (("wrist_extensors", "left"), ("wrist_extensors", "right"), "across the body"),
        (("pectoralis_major", "left"), ("pectoralis_major", "bilateral"), "across the body"),
        (("pectoralis_minor", "right"), ("rhomboids", "right"), "through the chest"),
        (("sternocleidomastoid", "left"), ("upper_trapezius", "left"), "carotid sinus"),
    ],
)
def test_current_across_the_chest_neck_or_head_is_refused(
    therapist_api, session_body, first, second, rule
):
    answer = log(therapist_api, session_body, first, second)
    assert answer.status_code == 400
    [problem] = answer.json()["electrical"]
    assert rule in problem and "Pair 1" in problem
    assert first[0].replace("_", " ") in problem and second[0].replace("_", " ") in problem
    assert not NeedlingSession.objects.exists()


@pytest.mark.parametrize(
    "first, second",
    [
        (("lumbar_multifidus", "left"), ("lumbar_multifidus", "right")),
        (("vastus_medialis", "left"), ("vastus_medialis", "right")),
        (("upper_trapezius", "right"), ("levator_scapulae", "right")),
    ],
)
def test_common_pairs_low_on_the_trunk_legs_or_one_side_are_accepted(
    therapist_api, session_body, first, second
):
    answer = log(therapist_api, session_body, first, second)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["electrical"][0]["site_indexes"] == [0, 1]


def test_a_correction_of_the_stimulation_alone_is_checked_against_the_sites(
    therapist_api, session_body
):
    sites = [
        electrical("wrist_flexors", "left"),
        electrical("wrist_flexors", "right"),
        electrical("brachioradialis", "left"),
    ]
    body = session_body(sites=sites, electrical=[stimulation(0, 2)])
    session = therapist_api.post("/api/v1/sessions/", body, format="json").json()
    answer = therapist_api.patch(
        f"/api/v1/sessions/{session['id']}/",
        {"electrical": [stimulation(0, 1)], "pain_after": 0},
        format="json",
    )
    assert answer.status_code == 400 and "across the body" in answer.json()["electrical"][0]
    kept = ElectricalStimulation.objects.get()
    assert (kept.site_a.position, kept.site_b.position) == (0, 2)
    assert NeedlingSession.objects.get().pain_after == 4
