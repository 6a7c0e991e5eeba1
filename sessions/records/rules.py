"""Pure rules of the session record (domain.md): what is serious, what deserves a warning.

Warnings do not reject a session; they tell the clinic where to think twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from screening.vocabulary import muscle_by_code
from sessions.models.records import SERIOUS_KINDS, SUPERFICIAL_MAX_MM, Depth, Severity

MOST_NEEDLES_WITHOUT_WARNING = 20
LONGEST_STIMULATION_WITHOUT_WARNING = 30  # minutes
# Near a large vessel: deep needling here bleeds most in a patient who bleeds easily.
NEAR_A_LARGE_VESSEL = frozenset(
    {
        "iliopsoas",
        "adductor_longus",
        "scalenes",
        "sternocleidomastoid",
        "pronator_teres",
        "popliteus",
    }
)
BLEEDING_PRECAUTIONS = frozenset({"anticoagulants", "bleeding_disorder"})


def is_serious(kind: str, severity: str) -> bool:
    return kind in SERIOUS_KINDS or severity == Severity.SEVERE


@dataclass(frozen=True)
class SiteFacts:
    muscle: str
    side: str
    depth: str
    needle_count: int
    depth_mm: Decimal | None = None


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def _over_the_lung(site: SiteFacts) -> bool:
    return bool(muscle_by_code[site.muscle].risk_note)


def is_deep(site: SiteFacts) -> bool:
    """Deep by its label or by its millimetres, whichever says so (domain.md version 2)."""
    return site.depth == Depth.DEEP or (
        site.depth_mm is not None and site.depth_mm > SUPERFICIAL_MAX_MM
    )


def pneumothorax_warnings(sites: Iterable[SiteFacts]) -> list[Warning]:
    return [
        Warning(
            "pneumothorax_risk",
            f"Deep needling of {muscle_by_code[site.muscle].name.lower()} ({site.side}): "
            f"{muscle_by_code[site.muscle].risk_note}.",
        )
        for site in sites
        if is_deep(site) and _over_the_lung(site)
    ]


def vascular_warnings(sites: Iterable[SiteFacts], precautions: Iterable[str]) -> list[Warning]:
    """Deep sites near a large vessel, for a patient on anticoagulants or who bleeds easily."""
    bleeding = sorted(BLEEDING_PRECAUTIONS & set(precautions))
    if not bleeding:
        return []
    return [
        Warning(
            "vascular_site",
            f"Deep needling of {muscle_by_code[site.muscle].name.lower()} ({site.side}), near a "
            f"large vessel, with the precaution {' and '.join(bleeding)}: bleeding risk.",
        )
        for site in sites
        if is_deep(site) and site.muscle in NEAR_A_LARGE_VESSEL
    ]


def session_warnings(
    sites: Iterable[SiteFacts],
    stimulation_minutes: Iterable[int] = (),
    precautions: Iterable[str] = (),
) -> list[Warning]:
    sites = list(sites)
    warnings = pneumothorax_warnings(sites) + vascular_warnings(sites, precautions)
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
