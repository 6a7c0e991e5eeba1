"""Pure rules of the session record (domain.md): what is serious, what deserves a warning,
and what a site or an electrical pair may not be.

Warnings do not reject a session; they tell the clinic where to think twice.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from screening.rules import crosses_the_trunk
from screening.vocabulary import Technique, muscle_by_code
from sessions.models.records import SERIOUS_KINDS, SUPERFICIAL_MAX_MM, Depth, Severity

MOST_NEEDLES_WITHOUT_WARNING = 20
LONGEST_STIMULATION_WITHOUT_WARNING = 30  # minutes


def is_serious(kind: str, severity: str) -> bool:
    return kind in SERIOUS_KINDS or severity == Severity.SEVERE


def depth_problem(depth: str, depth_mm: Decimal | None) -> str | None:
    """What is wrong with a site's depth, if anything: superficial is at most 10 mm."""
    if depth == Depth.SUPERFICIAL and depth_mm is not None and depth_mm > SUPERFICIAL_MAX_MM:
        return f"Superficial needling goes at most {SUPERFICIAL_MAX_MM} mm deep."
    return None


def pair_problem(sites: Sequence[Mapping], pair: Sequence[int]) -> str | None:
    """What is wrong with an electrical pair (two indexes into `sites`), if anything: two
    distinct electrical sites, and current never across the chest."""
    first, second = pair
    if max(first, second) >= len(sites):
        return f"There are only {len(sites)} sites."
    if first == second:
        return "A pair needs two different sites."
    if {sites[first]["technique"], sites[second]["technique"]} != {Technique.ELECTRICAL}:
        return "Both sites of a pair must use the electrical technique."
    if crosses_the_trunk(
        (muscle_by_code[sites[first]["muscle"]].region, sites[first]["side"]),
        (muscle_by_code[sites[second]["muscle"]].region, sites[second]["side"]),
    ):
        return "Current must not cross the head, neck or chest from one side to the other."
    return None


@dataclass(frozen=True)
class SiteFacts:
    muscle: str
    side: str
    depth: str
    needle_count: int


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def _over_the_lung(site: SiteFacts) -> bool:
    return bool(muscle_by_code[site.muscle].risk_note)


def session_warnings(
    sites: Iterable[SiteFacts], stimulation_minutes: Iterable[int] = ()
) -> list[Warning]:
    sites = list(sites)
    warnings = [
        Warning(
            "pneumothorax_risk",
            f"Deep needling of {muscle_by_code[site.muscle].name.lower()} ({site.side}): "
            f"{muscle_by_code[site.muscle].risk_note}.",
        )
        for site in sites
        if site.depth == Depth.DEEP and _over_the_lung(site)
    ]
    sides = {side for site in sites if _over_the_lung(site) for side in _sides(site.side)}
    if {"left", "right"} <= sides:
        warnings.append(
            Warning(
                "bilateral_thorax",
                "Both sides of the thorax were needled in one session: risk of a bilateral "
                "pneumothorax.",
            )
        )
    needles = sum(site.needle_count for site in sites)
    if needles > MOST_NEEDLES_WITHOUT_WARNING:
        warnings.append(Warning("many_needles", f"{needles} needles in one session."))
    longest = max(stimulation_minutes, default=0)
    if longest > LONGEST_STIMULATION_WITHOUT_WARNING:
        warnings.append(
            Warning("long_stimulation", f"Electrical stimulation for {longest} minutes.")
        )
    return warnings


def _sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "bilateral" else (side,)
