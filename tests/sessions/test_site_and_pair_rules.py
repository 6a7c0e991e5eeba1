"""The pure rules of a site's depth and side, which the API, the staff app and the session
service all ask (sessions.records.rules; the electrical pair's rule is
sessions.records.current_path)."""

from decimal import Decimal

import pytest

from screening.vocabulary import MUSCLES
from sessions.records.rules import depth_problem, side_problem


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


@pytest.mark.parametrize("muscle", [entry.code for entry in MUSCLES])
def test_a_site_of_a_paired_muscle_names_its_side_or_bilateral_never_midline(muscle):
    for side in ("left", "right", "bilateral"):
        assert side_problem(muscle, side) is None
    assert "paired" in side_problem(muscle, "midline")
