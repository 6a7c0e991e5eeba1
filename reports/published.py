"""Published adverse-event rates of dry needling per treatment session, for the clinic's own
comparison (domain.md "Outcome measures"). They count events, so a treatment with two mild
events counts twice; the clinic's own figures count sessions (reports/adverse_events.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishedRate:
    source: str
    sessions: int
    mild_events: int
    serious_events: int

    @property
    def rate(self) -> float:
        return self.mild_events / self.sessions

    @property
    def serious_rate(self) -> float:
        return self.serious_events / self.sessions


PUBLISHED = (
    # 7,629 treatments by 39 physiotherapists: 1,463 mild adverse events, no significant ones.
    PublishedRate(
        "Brady, McEvoy, Dommerholt, Doody. J Man Manip Ther 2014;22(3):134-40", 7629, 1463, 0
    ),
    # 20,464 sessions by 420 physical therapists: 7,531 minor adverse events, 20 major.
    PublishedRate("Boyce et al. Int J Sports Phys Ther 2020;15(1):103-113", 20464, 7531, 20),
)
