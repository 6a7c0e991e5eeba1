"""Published adverse-event rates of dry needling per treatment session, for the clinic's own
comparison (domain.md "Outcome measures"). They count events, so a treatment with two mild
events counts twice; the clinic's own figures count sessions (reports/adverse_events.py)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sessions.models import SideEffectKind


@dataclass(frozen=True)
class PublishedRate:
    source: str
    short: str  # a column's heading
    sessions: int
    mild_events: int
    serious_events: int
    # The published share of treatments with each kind the study names and Filiform records
    # ("pain after treatment" is Filiform's soreness after; aggravation and drowsiness have no
    # kind of their own here).
    by_kind: Mapping[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.mild_events / self.sessions

    @property
    def serious_rate(self) -> float:
        return self.serious_events / self.sessions


PUBLISHED = (
    # 7,629 treatments by 39 physiotherapists: 1,463 mild adverse events, no significant ones.
    PublishedRate(
        "Brady, McEvoy, Dommerholt, Doody. J Man Manip Ther 2014;22(3):134-40",
        "Brady 2014",
        7629,
        1463,
        0,
        {
            SideEffectKind.BRUISING: 0.0755,
            SideEffectKind.BLEEDING: 0.0465,
            SideEffectKind.PAIN_DURING: 0.0301,
            SideEffectKind.SORENESS_AFTER: 0.0219,
            SideEffectKind.HEADACHE: 0.0014,
            SideEffectKind.NAUSEA: 0.0013,
            SideEffectKind.FATIGUE: 0.0004,
        },
    ),
    # 20,464 sessions by 420 physical therapists: 7,531 minor adverse events, 20 major.
    PublishedRate(
        "Boyce et al. Int J Sports Phys Ther 2020;15(1):103-113",
        "Boyce 2020",
        20464,
        7531,
        20,
        {
            SideEffectKind.BLEEDING: 0.16,
            SideEffectKind.BRUISING: 0.077,
            SideEffectKind.PAIN_DURING: 0.059,
        },
    ),
)
