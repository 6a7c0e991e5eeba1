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
        ([{"region": "lumbar", "side": "any"}], "lumbar", ("any",)),
        (
            [{"region": "knee_leg", "side": "left"}, {"region": "knee_leg", "side": "right"}],
            "knee_leg",
            ("left", "right"),
        ),
    ],
)
def test_the_screenings_exclusions_are_marked_with_their_sides(excluded, region, sides):
    assert chart_regions(excluded)[region].excluded_sides == sides


LEFT_SHOULDER = [{"region": "shoulder", "side": "left"}]


@pytest.mark.parametrize(
    "excluded, view, region, marked",
    [
        # Facing us the patient's left is on the figure's right; from behind, on its left.
        (LEFT_SHOULDER, "Front", "shoulder", (False, True)),
        (LEFT_SHOULDER, "Back", "shoulder", (True, False)),
        ([{"region": "knee_leg", "side": "right"}], "Front", "knee_leg", (True, False)),
        ([{"region": "knee_leg", "side": "any"}], "Back", "knee_leg", (True, True)),
        # A part on the midline is one shape: excluded whichever side the screening names.
        ([{"region": "neck", "side": "left"}], "Front", "neck", (True,)),
        ([{"region": "lumbar", "side": "any"}], "Back", "lumbar", (True,)),
        ([], "Front", "head", (False,)),
        (LEFT_SHOULDER, "Front", "upper_arm", (False, False)),
    ],
)
def test_only_the_excluded_sides_are_shaded(excluded, view, region, marked):
    part = next(p for p in dict(body_chart(excluded))[view] if p.region.code == region)
    assert tuple(box.excluded for box in part.boxes) == marked


def test_the_label_names_the_excluded_sides_in_words():
    regions = chart_regions([{"region": "lumbar", "side": "any"}, *LEFT_SHOULDER])
    assert (regions["lumbar"].excluded_words, regions["shoulder"].excluded_words) == (
        "either side",
        "left",
    )


def test_the_keyboard_goes_from_head_to_foot():
    order = [part.region.code for part in dict(body_chart([]))["Back"]]
    assert order[:2] == ["head", "neck"] and order[-1] == "ankle_foot"
    assert order.index("upper_back") < order.index("lumbar") < order.index("pelvis_gluteal")
