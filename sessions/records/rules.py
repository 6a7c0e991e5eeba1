"""Pure rules of the session record (domain.md): what is serious, what deserves a warning.

Warnings do not reject a session; they tell the clinic where to think twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from screening.vocabulary import muscle_by_code
from sessions.models.records import SERIOUS_KINDS, Depth, Severity

MOST_NEEDLES_WITHOUT_WARNING = 20
LONGEST_STIMULATION_WITHOUT_WARNING = 30  # minutes


def is_serious(kind: str, severity: str) -> bool:
    return kind in SERIOUS_KINDS or severity == Severity.SEVERE


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
