"""The session form's body chart: every region of the vocabulary drawn, the trunk seen from
the front as chest and belly and from the back as upper back and loins, each region offering
its own muscles, and the screening's exclusions marked with their sides."""

import pytest

from screening.vocabulary import MUSCLES, Region
from web.body_chart import body_chart, chart_regions


def test_every_region_is_drawn_in_at_least_one_view():
    drawn = {part.region.code for _, parts in body_chart([]) for part in parts}
    assert drawn == set(Region.values)


@pytest.mark.parametrize(
    "view, shown, hidden",
    [
        ("Front", {"thorax", "abdomen", "shoulder", "knee_leg"}, {"upper_back", "lumbar"}),
        ("Back", {"upper_back", "lumbar", "shoulder", "knee_leg"}, {"thorax", "abdomen"}),
    ],
)
def test_each_view_shows_its_side_of_the_trunk(view, shown, hidden):
    codes = {part.region.code for part in dict(body_chart([]))[view]}
    assert shown <= codes and not hidden & codes


@pytest.mark.parametrize(
    "region, muscles",
    [
        ("neck", 8),
        ("lumbar", 3),
        ("ankle_foot", 4),
    ],
)
def test_a_region_offers_only_its_own_muscles(region, muscles):
    offered = chart_regions([])[region].muscles
    assert len(offered) == muscles
    assert set(offered) == {m.name for m in MUSCLES if m.region == region}


@pytest.mark.parametrize(
    "excluded, region, sides",
    [
        ([], "shoulder", ()),
        ([{"region": "shoulder", "side": "left"}], "shoulder", ("left",)),
        ([{"region": "shoulder", "side": "left"}], "neck", ()),
        ([{"region": "lumbar", "side": "any"}], "lumbar", ("either side",)),
        (
            [{"region": "knee_leg", "side": "left"}, {"region": "knee_leg", "side": "right"}],
            "knee_leg",
            ("left", "right"),
        ),
    ],
)
def test_the_screenings_exclusions_are_marked_with_their_sides(excluded, region, sides):
    assert chart_regions(excluded)[region].excluded_sides == sides
