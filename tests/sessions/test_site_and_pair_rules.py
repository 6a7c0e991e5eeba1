"""The pure rule of a site's depth, which the API and the staff app both ask
(sessions.records.rules; the electrical pair's rule is sessions.records.current_path)."""

from decimal import Decimal

import pytest

from sessions.records.rules import depth_problem


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
