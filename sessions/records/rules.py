"""Pure rules of the session record (domain.md): what is serious, what deserves a warning,
and what a site or an electrical pair may not be.

Warnings do not reject a session; they tell the clinic where to think twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from core import moments
from screening.entry_window import LONGEST_LATE_ENTRY, is_in_the_future, is_too_late_to_enter
from screening.rules import PlannedSite, site_refusal
from screening.vocabulary import Outcome, SiteSide, muscle_by_code
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


def may_record_for(*, actor_id: UUID, actor_is_admin: bool, therapist_id: UUID) -> bool:
    """Therapists log and correct sessions as themselves; a clinic administrator for anyone."""
    return actor_is_admin or actor_id == therapist_id


def may_sign(*, actor_id: UUID, therapist_id: UUID) -> bool:
    """Only the session's own therapist signs it, administrators included: the signature says
    who treated."""
    return actor_id == therapist_id


def side_effect_time_errors(
    onset_at: datetime | None,
    resolved_at: datetime | None,
    *,
    session_started_at: datetime | None,
    now: datetime,
) -> dict[str, str]:
    """A side effect's times, by field: each one the clinic works with (core.moments), none in
    the future, the onset not before its session began (it follows the needling) and the
    resolution not before the onset. `session_started_at` None: the session is not known yet."""
    given = {"onset_at": onset_at, "resolved_at": resolved_at}
    errors = {
        name: moments.OUT_OF_RANGE if not moments.in_range(moment) else "It is in the future."
        for name, moment in given.items()
        if moment is not None and (not moments.in_range(moment) or is_in_the_future(moment, now))
    }
    if errors:
        return errors
    if onset_at and session_started_at and onset_at < session_started_at:
        errors["onset_at"] = "Must not be before the session started."
    elif onset_at and resolved_at and resolved_at < onset_at:
        errors["resolved_at"] = "Must not be before onset_at."
    return errors


def depth_problem(depth: str, depth_mm: Decimal | None) -> str | None:
    """What is wrong with a site's depth, if anything: superficial is at most 10 mm."""
    if depth == Depth.SUPERFICIAL and depth_mm is not None and depth_mm > SUPERFICIAL_MAX_MM:
        return f"Superficial needling goes at most {SUPERFICIAL_MAX_MM} mm deep."
    return None


def side_problem(muscle: str, side: str) -> str | None:
    """What is wrong with a site's side, if anything. A paired muscle (every one of the
    catalogue, domain.md) is needled on its left, its right or both: `midline`, which the
    contract keeps among the sides, names neither."""
    entry = muscle_by_code[muscle]
    if side == SiteSide.MIDLINE and entry.lateral:
        return f"The {entry.name.lower()} is paired: name its side (left or right), or bilateral."
    return None


@dataclass(frozen=True)
class SiteFacts:
    muscle: str
    side: str
    depth: str
    needle_count: int
    depth_mm: Decimal | None = None


@dataclass(frozen=True)
class SessionWarning:
    code: str
    message: str


def _over_the_lung(site: SiteFacts) -> bool:
    return bool(muscle_by_code[site.muscle].risk_note)


def is_deep(site: SiteFacts) -> bool:
    """Deep by its label or by its millimetres, whichever says so (domain.md version 2)."""
    return site.depth == Depth.DEEP or (
        site.depth_mm is not None and site.depth_mm > SUPERFICIAL_MAX_MM
    )


def pneumothorax_warnings(sites: Iterable[SiteFacts]) -> list[SessionWarning]:
    return [
        SessionWarning(
            "pneumothorax_risk",
            f"Deep needling of {muscle_by_code[site.muscle].name.lower()} ({site.side}): "
            f"{muscle_by_code[site.muscle].risk_note}.",
        )
        for site in sites
        if is_deep(site) and _over_the_lung(site)
    ]


def vascular_warnings(
    sites: Iterable[SiteFacts], precautions: Iterable[str]
) -> list[SessionWarning]:
    """Deep sites near a large vessel, for a patient on anticoagulants or who bleeds easily."""
    bleeding = sorted(BLEEDING_PRECAUTIONS & set(precautions))
    if not bleeding:
        return []
    return [
        SessionWarning(
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
) -> list[SessionWarning]:
    sites = list(sites)
    warnings = pneumothorax_warnings(sites) + vascular_warnings(sites, precautions)
    sides = {side for site in sites if _over_the_lung(site) for side in _sides(site.side)}
    if {"left", "right"} <= sides:
        warnings.append(
            SessionWarning(
                "bilateral_thorax",
                "Both sides of the thorax were needled in one session: risk of a bilateral "
                "pneumothorax.",
            )
        )
    needles = sum(site.needle_count for site in sites)
    if needles > MOST_NEEDLES_WITHOUT_WARNING:
        warnings.append(SessionWarning("many_needles", f"{needles} needles in one session."))
    longest = max(stimulation_minutes, default=0)
    if longest > LONGEST_STIMULATION_WITHOUT_WARNING:
        warnings.append(
            SessionWarning("long_stimulation", f"Electrical stimulation for {longest} minutes.")
        )
    return warnings


def _sides(side: str) -> tuple[str, ...]:
    # A bilateral or midline site touches both sides (a midline site of a paired muscle, no
    # longer taken, may stand in an older record).
    return (side,) if side in (SiteSide.LEFT, SiteSide.RIGHT) else ("left", "right")


# --- When the record was made, and what the screening said later (api.md "Version 1.1") ---

LATE_ENTRY_AFTER = timedelta(hours=24)


def time_problem(
    *, started_at: datetime | None = None, ended_at: datetime | None = None, now: datetime
) -> str | None:
    """Why these times cannot be recorded now (400 `invalid_time`), or None. A correction
    passes only the times it changes: a session entered in time stays correctable."""
    if started_at is not None and is_in_the_future(started_at, now):
        return "started_at is in the future: record a session once it has begun."
    if ended_at is not None and is_in_the_future(ended_at, now):
        return "ended_at is in the future: record the end once the session is over."
    if started_at is not None and is_too_late_to_enter(started_at, now):
        return f"started_at is more than {LONGEST_LATE_ENTRY.days} days ago: too late to enter."
    return None


def late_entry(started_at: datetime, recorded_at: datetime) -> SessionWarning | None:
    if recorded_at - started_at <= LATE_ENTRY_AFTER:
        return None
    return SessionWarning(
        "late_entry",
        f"Recorded {_hours(recorded_at - started_at)} hours after the session started.",
    )


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


class LaterScreening(Protocol):
    """What superseded_screening reads of a screening (a Screening row has all of it)."""

    id: UUID
    performed_at: datetime
    outcome: str
    excluded_regions: list[dict[str, str]]  # [{"region", "side"}]
    excluded_muscles: list[str]  # muscle codes, closed on every side (e.g. iliopsoas in pregnancy)
    excluded_techniques: list[str]


# The one warning that can arise after a session is signed: a later screening's.
ARISES_AFTER_SIGNING = "superseded_screening"


def superseded_screening(
    started_at: datetime,
    checked_against: UUID | None,
    sites: Iterable[PlannedSite],
    screenings: Iterable[LaterScreening],
) -> SessionWarning | None:
    """A screening later than the one the session was checked against that would have refused
    it: the clinic should look again. Later is performed after the session began, or after
    that screening and before the session (a paper screening entered after the session was
    logged, which rules it now)."""
    screenings = sorted(screenings, key=lambda s: s.performed_at)
    checked_at = next((s.performed_at for s in screenings if s.id == checked_against), started_at)
    sites = list(sites)
    for screening in screenings:
        if screening.performed_at <= checked_at:
            continue
        reason = _refusal(screening, sites)
        if reason:
            return SessionWarning(
                ARISES_AFTER_SIGNING,
                f"A later screening ({screening.performed_at:%Y-%m-%d}) {reason}.",
            )
    return None


def _refusal(screening: LaterScreening, sites: list[PlannedSite]) -> str | None:
    """Why check_needling would refuse these sites under `screening`, in its order of checks,
    so the warning names the reason the therapist would have been given."""
    if screening.outcome == Outcome.NOT_CLEARED:
        return "did not clear the patient"
    for site in sites:
        refusal = site_refusal(screening, site.muscle, site.side, site.technique)
        if refusal is not None:
            return f"excludes {refusal.excluded}, as needled here"
    return None


# --- The needle record ---


def needle_expiry_problem(needle_expiry: date | None, session_date: date) -> str | None:
    """Expired needles (400 `needle_expired`): expiry before the day of the session."""
    if needle_expiry is not None and needle_expiry < session_date:
        return f"The needles expired on {needle_expiry:%Y-%m-%d}, before the session."
    return None


def needle_count_problem(needles_removed: int | None, needles_inserted: int) -> str | None:
    """Every needle put in must be counted out before signing (409 `needle_count_mismatch`).

    An unrecorded count is refused like a wrong one: a signed record must say that no needle
    was left behind.
    """
    if needles_removed is None:
        return f"Record needles_removed ({needles_inserted} needles were inserted) before signing."
    if needles_removed != needles_inserted:
        return (
            f"{needles_removed} needles removed but {needles_inserted} inserted: "
            "account for every needle before signing."
        )
    return None
