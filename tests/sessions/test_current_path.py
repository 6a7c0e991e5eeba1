"""domain.md version 2: where electrical current may run between two needles, pair by pair."""

import pytest

from sessions.records.current_path import Electrode, current_path_refusal, pair_problem


def electrode(muscle: str, side: str) -> Electrode:
    return Electrode(muscle, side, "electrical")


ACROSS = "across the body above the pelvis"
CHEST = "through the chest"
CAROTID = "over the carotid sinus"

# (first site, second site, the rule broken or None)
PAIRS = [
    # left-right above the pelvis: across the chest, neck or head
    (("pectoralis_major", "left"), ("pectoralis_major", "right"), ACROSS),
    (("wrist_extensors", "left"), ("wrist_extensors", "right"), ACROSS),  # arm to arm
    (("biceps_brachii", "right"), ("deltoid", "left"), ACROSS),
    (("masseter", "left"), ("temporalis", "right"), ACROSS),  # through the head
    (("upper_trapezius", "left"), ("rhomboids", "right"), ACROSS),
    (("wrist_flexors", "left"), ("gastrocnemius", "right"), ACROSS),  # arm to the other leg
    # bilateral or midline counts as both sides
    (("pectoralis_major", "left"), ("pectoralis_major", "bilateral"), ACROSS),
    (("thoracic_erector_spinae", "midline"), ("rhomboids", "left"), ACROSS),
    (("thoracic_erector_spinae", "midline"), ("thoracic_erector_spinae", "midline"), ACROSS),
    # front to back through the chest, even on one side
    (("pectoralis_minor", "left"), ("rhomboids", "left"), CHEST),
    (("serratus_anterior", "right"), ("infraspinatus", "right"), CHEST),
    # the anterior neck, whatever the other site
    (("sternocleidomastoid", "left"), ("upper_trapezius", "left"), CAROTID),
    (("scalenes", "right"), ("levator_scapulae", "right"), CAROTID),
    # allowed: one side of the upper body, and left-right low on the trunk and on the legs
    (("upper_trapezius", "left"), ("levator_scapulae", "left"), None),
    (("wrist_extensors", "right"), ("brachioradialis", "right"), None),
    (("infraspinatus", "left"), ("rhomboids", "left"), None),
    (("lumbar_multifidus", "left"), ("lumbar_multifidus", "right"), None),
    (("quadratus_lumborum", "bilateral"), ("gluteus_medius", "left"), None),
    (("gluteus_medius", "left"), ("piriformis", "right"), None),
    (("vastus_medialis", "left"), ("vastus_medialis", "right"), None),
    (("gastrocnemius", "left"), ("soleus", "right"), None),
    (("plantar_fascia", "midline"), ("plantar_fascia", "left"), None),
    (("lumbar_erector_spinae", "midline"), ("lumbar_erector_spinae", "midline"), None),
]


@pytest.mark.parametrize("first, second, rule", PAIRS)
def test_each_pair_of_the_current_path_rule(first, second, rule):
    for a, b in ((first, second), (second, first)):  # the current runs both ways
        refusal = current_path_refusal(electrode(*a), electrode(*b))
        assert (refusal or "").startswith(rule or "") and (refusal is None) is (rule is None)


@pytest.mark.parametrize(
    "sites, first, second, words",
    [
        ([electrode("gastrocnemius", "left")], 0, 1, "only 1 sites"),
        ([electrode("gastrocnemius", "left")] * 2, 1, 1, "two different sites"),
        (
            [electrode("gastrocnemius", "left"), Electrode("soleus", "left", "trigger_point")],
            0,
            1,
            "electrical technique",
        ),
    ],
)
def test_a_pair_joins_two_electrical_sites(sites, first, second, words):
    assert words in pair_problem(sites, first, second)


def test_a_refusal_names_the_rule_and_both_sites():
    sites = [electrode("gastrocnemius", "left"), electrode("pectoralis_major", "left")]
    sites.append(electrode("pectoralis_major", "right"))
    problem = pair_problem(sites, 1, 2)
    assert ACROSS in problem
    assert "1, pectoralis major (left)" in problem and "2, pectoralis major (right)" in problem
    assert pair_problem(sites, 0, 0) and pair_problem(sites, 0, 1) is None
