"""Warnings that match the anatomy (domain.md version 2): deep needling over the lung, and deep
needling near a large vessel for a patient who bleeds easily. They warn; they never refuse."""

from decimal import Decimal

import pytest

from sessions.records.rules import (
    SiteFacts,
    is_deep,
    pneumothorax_warnings,
    session_warnings,
    vascular_warnings,
)
from tests.bodies import site


def facts(muscle, side="left", depth="deep", depth_mm=None) -> SiteFacts:
    return SiteFacts(muscle, side, depth, 1, None if depth_mm is None else Decimal(depth_mm))


# (depth, depth_mm, deep?)
DEPTHS = [
    ("deep", None, True),
    ("deep", "5.0", True),
    ("superficial", None, False),
    ("superficial", "10.0", False),
    ("superficial", "10.5", True),  # the millimetres say deep, whatever the label
]


@pytest.mark.parametrize("depth, depth_mm, deep", DEPTHS)
def test_a_site_is_deep_by_its_label_or_its_millimetres(depth, depth_mm, deep):
    assert is_deep(facts("supraspinatus", depth=depth, depth_mm=depth_mm)) is deep


# (muscle, warned of pneumothorax when deep?)
OVER_THE_LUNG = [
    ("levator_scapulae", True),
    ("supraspinatus", True),
    ("subscapularis", True),
    ("serratus_anterior", True),
    ("upper_trapezius", True),
    ("intercostals", True),
    ("infraspinatus", False),
    ("deltoid", False),
    ("gastrocnemius", False),
]


@pytest.mark.parametrize("muscle, warned", OVER_THE_LUNG)
def test_deep_needling_over_the_lung_is_warned_of(muscle, warned):
    warnings = pneumothorax_warnings([facts(muscle, "right")])
    assert [w.code for w in warnings] == (["pneumothorax_risk"] if warned else [])


def test_the_pneumothorax_warning_names_the_muscle_and_side():
    [warning] = pneumothorax_warnings([facts("levator_scapulae", "right", "superficial", "12")])
    assert "levator scapulae (right)" in warning.message


def test_an_older_midline_site_over_the_lung_counts_as_both_sides_of_the_thorax():
    """A midline site of a paired muscle is no longer taken, but one may stand in a record
    made before: it touches both sides, as a bilateral one does."""
    sites = [facts("pectoralis_major", "left"), facts("pectoralis_major", "midline")]
    assert "bilateral_thorax" in [warning.code for warning in session_warnings(sites)]


NEAR_A_LARGE_VESSEL = [
    "iliopsoas",
    "adductor_longus",
    "scalenes",
    "sternocleidomastoid",
    "pronator_teres",
    "popliteus",
]

# (muscle, depth, depth_mm, precautions, warned?)
VASCULAR = [
    *[(muscle, "deep", None, ["anticoagulants"], True) for muscle in NEAR_A_LARGE_VESSEL],
    ("popliteus", "deep", None, ["bleeding_disorder"], True),
    ("popliteus", "deep", None, ["diabetes", "anticoagulants"], True),
    ("popliteus", "superficial", "11.0", ["anticoagulants"], True),
    ("popliteus", "superficial", "8.0", ["anticoagulants"], False),
    ("popliteus", "deep", None, ["diabetes"], False),
    ("popliteus", "deep", None, [], False),
    ("gastrocnemius", "deep", None, ["anticoagulants"], False),
]


@pytest.mark.parametrize("muscle, depth, depth_mm, precautions, warned", VASCULAR)
def test_deep_needling_near_a_large_vessel_with_a_bleeding_risk(
    muscle, depth, depth_mm, precautions, warned
):
    warnings = vascular_warnings([facts(muscle, "left", depth, depth_mm)], precautions)
    assert [w.code for w in warnings] == (["vascular_site"] if warned else [])
    assert all("(left)" in w.message for w in warnings)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers, acknowledged, sites, codes",
    [
        (
            {"anticoagulants": True},
            ["anticoagulants"],
            [site("popliteus"), site("gastrocnemius", "right")],
            ["vascular_site"],
        ),
        ({}, [], [site("popliteus")], []),
        ({}, [], [site("supraspinatus", "right")], ["pneumothorax_risk"]),
        (
            {"bleeding_disorder": True},
            ["bleeding_disorder"],
            [site("scalenes", "left")],
            ["pneumothorax_risk", "vascular_site"],
        ),
    ],
)
def test_a_logged_session_carries_the_anatomical_warnings(
    therapist_api, screen, patient, session_body, answers, acknowledged, sites, codes
):
    screen(patient, **answers)
    body = session_body(sites=sites, precautions_acknowledged=acknowledged)
    answer = therapist_api.post("/api/v1/sessions/", body, format="json")
    assert answer.status_code == 201, answer.json()
    assert [w["code"] for w in answer.json()["warnings"]] == codes
