"""The session form's body chart: the vocabulary's regions drawn from the front and the back,
each with its muscles (to narrow the muscle picker) and the sides the screening excludes."""

from dataclasses import dataclass

from screening.vocabulary import MUSCLES, ExclusionSide, Region

Box = tuple[int, int, int, int]  # x, y, width, height on a 120 x 250 figure

_LEFT_AND_RIGHT: dict[str, tuple[Box, ...]] = {
    Region.SHOULDER: ((22, 46, 20, 16), (78, 46, 20, 16)),
    Region.UPPER_ARM: ((14, 62, 16, 36), (90, 62, 16, 36)),
    Region.FOREARM_HAND: ((8, 98, 16, 50), (96, 98, 16, 50)),
    Region.HIP_THIGH: ((38, 134, 21, 50), (61, 134, 21, 50)),
    Region.KNEE_LEG: ((40, 184, 18, 46), (62, 184, 18, 46)),
    Region.ANKLE_FOOT: ((38, 230, 20, 14), (62, 230, 20, 14)),
}
_BOTH_VIEWS: dict[str, tuple[Box, ...]] = {
    Region.HEAD: ((45, 2, 30, 32),),
    Region.NECK: ((52, 34, 16, 12),),
    **_LEFT_AND_RIGHT,
    Region.PELVIS_GLUTEAL: ((38, 112, 44, 22),),
}
# The trunk is the one part seen differently: chest and belly in front, back and loins behind.
_CHEST, _BELLY = (42, 46, 36, 34), (42, 80, 36, 32)
VIEWS: tuple[tuple[str, dict[str, tuple[Box, ...]]], ...] = (
    ("Front", {**_BOTH_VIEWS, Region.THORAX: (_CHEST,), Region.ABDOMEN: (_BELLY,)}),
    ("Back", {**_BOTH_VIEWS, Region.UPPER_BACK: (_CHEST,), Region.LUMBAR: (_BELLY,)}),
)


@dataclass(frozen=True)
class ChartRegion:
    code: str
    label: str
    muscles: tuple[str, ...]
    excluded_sides: tuple[str, ...]  # the screening's words: "left", "right", "either side"


@dataclass(frozen=True)
class ChartPart:
    region: ChartRegion
    boxes: tuple[Box, ...]


def chart_regions(excluded_regions: list[dict]) -> dict[str, ChartRegion]:
    """Every region with its muscles, by name, and the sides `excluded_regions` (a screening's
    list of {"region", "side"}) rules out."""
    sides = dict(ExclusionSide.choices)
    return {
        region.value: ChartRegion(
            code=region.value,
            label=region.label,
            muscles=tuple(sorted(m.name for m in MUSCLES if m.region == region.value)),
            excluded_sides=tuple(
                sides[ref["side"]].lower()
                for ref in excluded_regions
                if ref["region"] == region.value
            ),
        )
        for region in Region
    }


def body_chart(excluded_regions: list[dict]) -> list[tuple[str, list[ChartPart]]]:
    """The two views, each a list of the regions it shows and where."""
    regions = chart_regions(excluded_regions)
    return [
        (view, [ChartPart(regions[code], boxes) for code, boxes in parts.items()])
        for view, parts in VIEWS
    ]
