"""The pure rules of a site's depth and of an electrical pair, which the API and the staff app
both ask (sessions.records.rules)."""

from decimal import Decimal

import pytest

from sessions.records.rules import depth_problem, pair_problem


@pytest.mark.parametrize(
    ("depth", "depth_mm", "refused"),
    [
        ("superficial", None, False),
        ("superficial", Decimal("10"), False),
        ("superficial", Decimal("10.1"), True),
        ("deep", Decimal("40"), False),
    ],
)
def test_superficial_needling_goes_at_most_10_mm_deep(depth, depth_mm, refused):
    assert (depth_problem(depth, depth_mm) is not None) == refused


def electrical(muscle: str, side: str, technique: str = "electrical") -> dict:
    return {"muscle": muscle, "side": side, "technique": technique}


@pytest.mark.parametrize(
    ("sites", "pair", "problem"),
    [
        ([electrical("gastrocnemius", "left"), electrical("soleus", "left")], (0, 1), None),
        ([electrical("gastrocnemius", "left")], (0, 1), "There are only 1 sites."),
        ([electrical("gastrocnemius", "left")] * 2, (1, 1), "A pair needs two different sites."),
        (
            [electrical("gastrocnemius", "left"), electrical("soleus", "left", "trigger_point")],
            (0, 1),
            "Both sites of a pair must use the electrical technique.",
        ),
        (
            [electrical("pectoralis_major", "left"), electrical("pectoralis_major", "right")],
            (0, 1),
            "Current must not cross the head, neck or chest from one side to the other.",
        ),
        (
            [electrical("quadratus_lumborum", "left"), electrical("quadratus_lumborum", "right")],
            (0, 1),
            None,
        ),
    ],
)
def test_an_electrical_pair_joins_two_electrical_sites_never_across_the_chest(sites, pair, problem):
    assert pair_problem(sites, pair) == problem
