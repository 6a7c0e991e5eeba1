"""The session form's body chart: the vocabulary's regions drawn from the front and the back,
each with its muscles (to narrow the muscle picker) and the sides the screening excludes."""

from dataclasses import dataclass

from screening.rules import SiteRef, site_is_excluded
from screening.vocabulary import MUSCLES, ExclusionSide, Region

Box = tuple[int, int, int, int]  # x, y, width, height on a 120 x 250 figure

# A paired part, as the viewer sees it: on the left of the figure, then on its right.
_PAIRED: dict[str, tuple[Box, Box]] = {
    Region.SHOULDER: ((22, 46, 20, 16), (78, 46, 20, 16)),
    Region.UPPER_ARM: ((14, 62, 16, 36), (90, 62, 16, 36)),
    Region.FOREARM_HAND: ((8, 98, 16, 50), (96, 98, 16, 50)),
    Region.HIP_THIGH: ((38, 134, 21, 50), (61, 134, 21, 50)),
    Region.KNEE_LEG: ((40, 184, 18, 46), (62, 184, 18, 46)),
    Region.ANKLE_FOOT: ((38, 230, 20, 14), (62, 230, 20, 14)),
}
_MIDLINE: dict[str, Box] = {
    Region.HEAD: (45, 2, 30, 32),
    Region.NECK: (52, 34, 16, 12),
    Region.PELVIS_GLUTEAL: (38, 112, 44, 22),
}
# The trunk is the one part seen differently: chest and belly in front, back and loins behind.
_CHEST, _BELLY = (42, 46, 36, 34), (42, 80, 36, 32)
_TRUNK: dict[str, dict[str, Box]] = {
    "Front": {Region.THORAX: _CHEST, Region.ABDOMEN: _BELLY},
    "Back": {Region.UPPER_BACK: _CHEST, Region.LUMBAR: _BELLY},
}
# Facing the viewer, the patient's right is on the figure's left; from behind, their left.
_SIDES_SEEN = {"Front": ("right", "left"), "Back": ("left", "right")}


@dataclass(frozen=True)
class ChartRegion:
    code: str
    label: str
    muscles: tuple[str, ...]
    excluded_sides: tuple[str, ...]  # ExclusionSide codes: left, right, any

    @property
    def excluded_words(self) -> str:
        words = dict(ExclusionSide.choices)
        return ", ".join(words[side].lower() for side in self.excluded_sides)


@dataclass(frozen=True)
class ChartBox:
    box: Box
    excluded: bool


@dataclass(frozen=True)
class ChartPart:
    region: ChartRegion
    boxes: tuple[ChartBox, ...]


def chart_regions(excluded_regions: list[dict]) -> dict[str, ChartRegion]:
    """Every region with its muscles, by name, and the sides `excluded_regions` (a screening's
    list of {"region", "side"}) rules out."""
    return {
        region.value: ChartRegion(
            code=region.value,
            label=region.label,
            muscles=tuple(sorted(m.name for m in MUSCLES if m.region == region.value)),
            excluded_sides=tuple(
                ref["side"] for ref in excluded_regions if ref["region"] == region.value
            ),
        )
        for region in Region
    }


def _shown(region: ChartRegion, box: Box, side: str) -> ChartBox:
    """A box is excluded as a site there would be (screening.rules.site_is_excluded): when its
    side is, or either side is; a midline part by any side."""
    exclusions = [SiteRef(region.code, excluded) for excluded in region.excluded_sides]
    return ChartBox(box, excluded=site_is_excluded(exclusions, region.code, side))


def _view(view: str, regions: dict[str, ChartRegion]) -> list[ChartPart]:
    paired = [
        ChartPart(
            regions[code],
            tuple(
                _shown(regions[code], box, side)
                for box, side in zip(boxes, _SIDES_SEEN[view], strict=True)
            ),
        )
        for code, boxes in _PAIRED.items()
    ]
    single = {**_MIDLINE, **_TRUNK[view]}
    middle = [
        ChartPart(regions[code], (_shown(regions[code], box, "midline"),))
        for code, box in single.items()
    ]
    return sorted(middle + paired, key=_top)  # head to foot, the order the keyboard takes


def _top(part: ChartPart) -> int:
    return part.boxes[0].box[1]


def body_chart(excluded_regions: list[dict]) -> list[tuple[str, list[ChartPart]]]:
    """The two views, each a list of the regions it shows and where."""
    regions = chart_regions(excluded_regions)
    return [(view, _view(view, regions)) for view in ("Front", "Back")]
