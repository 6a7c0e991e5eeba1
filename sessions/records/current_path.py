"""Where electrical current may run between two needles (domain.md, version 2). Pure.

The IEC 60601-2-10 instructions for nerve and muscle stimulators warn against current across the
chest or heart (transthoracic), through the brain (transcerebral) and over the carotid sinus.
Each refusal says which rule the pair breaks and names both sites.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from screening.vocabulary import Region, Technique, muscle_by_code

# Left-right current with an end here runs across the chest, the neck or the head. Lower on the
# trunk and on the legs (lumbar, pelvis, legs) a left-right pair is common practice.
ABOVE_THE_PELVIS = frozenset(
    {
        Region.HEAD,
        Region.NECK,
        Region.SHOULDER,
        Region.UPPER_ARM,
        Region.FOREARM_HAND,
        Region.THORAX,
        Region.UPPER_BACK,
    }
)
# Front to back through the chest: the thorax paired with the upper back or a shoulder.
THROUGH_THE_CHEST = (
    frozenset({Region.THORAX, Region.UPPER_BACK}),
    frozenset({Region.THORAX, Region.SHOULDER}),
)
OVER_THE_CAROTID_SINUS = frozenset({"sternocleidomastoid", "scalenes"})


@dataclass(frozen=True)
class Electrode:
    """A needled site as the current sees it."""

    muscle: str
    side: str  # left | right | bilateral | midline
    technique: str

    def __str__(self) -> str:
        return f"{muscle_by_code[self.muscle].name.lower()} ({self.side})"


def _sides(side: str) -> frozenset[str]:
    # A bilateral or midline site touches both sides of the body.
    return frozenset({side}) if side in ("left", "right") else frozenset({"left", "right"})


def on_different_sides(a: Electrode, b: Electrode) -> bool:
    """False only when both sites lie on the same one side."""
    return not (_sides(a.side) == _sides(b.side) and len(_sides(a.side)) == 1)


def current_path_refusal(a: Electrode, b: Electrode) -> str | None:
    """The current-path rule a pair breaks, in a clinician's words, or None."""
    regions = {muscle_by_code[a.muscle].region, muscle_by_code[b.muscle].region}
    if {a.muscle, b.muscle} & OVER_THE_CAROTID_SINUS:
        return "over the carotid sinus: no electrode on sternocleidomastoid or scalenes"
    if regions in THROUGH_THE_CHEST:
        return "through the chest: thorax paired with the upper back or a shoulder"
    if on_different_sides(a, b) and regions & ABOVE_THE_PELVIS:
        return (
            "across the body above the pelvis: a left-right pair in the head, neck, arms, "
            "thorax or upper back sends current across the chest, neck or head"
        )
    return None


def pair_problem(sites: Sequence[Electrode], first: int, second: int) -> str | None:
    """Why current may not run between sites number `first` and `second`, or None."""
    if max(first, second) >= len(sites):
        return f"There are only {len(sites)} sites."
    if first == second:
        return "A pair needs two different sites."
    a, b = sites[first], sites[second]
    if {a.technique, b.technique} != {Technique.ELECTRICAL}:
        return "Both sites of a pair must use the electrical technique."
    refusal = current_path_refusal(a, b)
    if refusal:
        return f"Current must not run {refusal} (sites {first}, {a} and {second}, {b})."
    return None
