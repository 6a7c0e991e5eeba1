"""Screening writes, and the one question the session code asks before anything is written."""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clinic.errors import RuleViolation
from clinic.models import Patient, Staff
from screening import rules
from screening.models import CONSENT_TEXT_VERSION, Screening
from screening.vocabulary import muscle_by_code


@dataclass(frozen=True)
class PlannedSite:
    """A site the therapist means to needle."""

    muscle: str  # muscle code
    side: str  # left | right | bilateral | midline
    technique: str


def answers_from(data: dict) -> rules.Answers:
    """Answers from validated API data (region lists as {region, side} dicts)."""
    regional = {
        name: tuple(rules.SiteRef(**ref) for ref in data.get(name, ()))
        for name in ("lymphedema_regions", "implanted_device_regions", "local_infection_regions")
    }
    return rules.Answers(**{**data, **regional})


@transaction.atomic
def record_screening(
    *,
    patient: Patient,
    performed_by: Staff,
    consent_given: bool,
    answers: dict,
    consent_text_version: str = CONSENT_TEXT_VERSION,
    performed_at: datetime | None = None,
) -> Screening:
    if not consent_given:
        raise RuleViolation(
            "consent_required", "The patient has not consented to dry needling; nothing was saved."
        )
    performed_at = performed_at or timezone.now()
    parsed = answers_from(answers)
    assessment = rules.assess(parsed, performed_at)
    return Screening.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        performed_by=performed_by,
        performed_at=performed_at,
        consent_given=True,
        consent_text_version=consent_text_version,
        answers=asdict(parsed),
        outcome=assessment.outcome,
        findings=[asdict(finding) for finding in assessment.findings],
        excluded_regions=[asdict(ref) for ref in assessment.excluded_regions],
        excluded_techniques=list(assessment.excluded_techniques),
        precautions=list(assessment.precautions),
        valid_until=assessment.valid_until,
    )


def check_needling(
    *,
    patient: Patient,
    therapist: Staff,
    at: datetime,
    sites: Sequence[PlannedSite],
    precautions_acknowledged: Iterable[str],
) -> Screening:
    """May `therapist` needle these sites of `patient` at `at`? Returns the ruling screening.

    Raises RuleViolation with the contract's code for the first rule that says no, in the order
    a clinician would check: the practitioner, the screening, then each site.
    """
    _check_certified(therapist, at)
    screening = Screening.objects.latest_before(patient, at)
    if screening is None:
        raise RuleViolation(
            "screening_required", "The patient has no screening before this session."
        )
    if screening.valid_until < at:
        raise RuleViolation(
            "screening_expired",
            f"The latest screening expired on {screening.valid_until:%Y-%m-%d}; screen again.",
        )
    if screening.outcome == "not_cleared":
        raise RuleViolation("not_cleared", "The latest screening did not clear the patient.")
    _check_sites(screening, sites)
    missing = rules.missing_precautions(screening.precautions, precautions_acknowledged)
    if missing:
        raise RuleViolation(
            "precaution_not_acknowledged",
            f"Acknowledge these precautions of the screening: {', '.join(missing)}.",
        )
    return screening


def _check_certified(therapist: Staff, at: datetime) -> None:
    session_date = at.astimezone(ZoneInfo(therapist.clinic.timezone)).date()
    certified = therapist.dn_certified_until
    if certified is None or certified < session_date:
        raise RuleViolation(
            "therapist_not_certified",
            f"{therapist}'s dry-needling certification does not cover {session_date}.",
        )


def _check_sites(screening: Screening, sites: Sequence[PlannedSite]) -> None:
    exclusions = [rules.SiteRef(**ref) for ref in screening.excluded_regions]
    for site in sites:
        region = muscle_by_code[site.muscle].region
        if rules.site_is_excluded(exclusions, region, site.side):
            raise RuleViolation(
                "region_excluded",
                f"The screening excludes the {region.replace('_', ' ')} ({site.side}): "
                f"{site.muscle} cannot be needled.",
            )
        if site.technique in screening.excluded_techniques:
            raise RuleViolation(
                "technique_excluded", f"The screening excludes the {site.technique} technique."
            )
