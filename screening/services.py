"""Screening writes, and the one question the session code asks before anything is written."""

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic.models import Patient, Staff
from core.errors import RuleViolation
from screening import rules
from screening.entry_window import entry_time_problem
from screening.models import CONSENT_TEXT_VERSION, Screening, ruling_screening
from screening.rules import PlannedSite


def answers_from(data: dict[str, Any]) -> rules.Answers:
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
    answers: dict[str, Any],
    performed_at: datetime | None = None,
    guardian_name: str = "",
    guardian_consent: bool = False,
    consent_text_version: str = CONSENT_TEXT_VERSION,
) -> Screening:
    """Record a screening done at `performed_at` (default now), perhaps on paper days ago."""
    if not consent_given:
        raise RuleViolation(
            "consent_required", "The patient has not consented to dry needling; nothing was saved."
        )
    performed_at = performed_at or timezone.now()
    _check_entry_time(performed_at)
    _check_certified(performed_by, performed_at)
    _check_guardian(patient, performed_at, guardian_name, guardian_consent)
    parsed = answers_from(answers)
    assessment = rules.assess(parsed, performed_at)
    return Screening.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        performed_by=performed_by,
        performed_at=performed_at,
        consent_given=True,
        consent_text_version=consent_text_version,
        guardian_name=guardian_name,
        guardian_consent=guardian_consent,
        answers=asdict(parsed),
        **stored_assessment(assessment),
    )


def stored_assessment(assessment: rules.Assessment) -> dict[str, Any]:
    """The screening's columns that hold what the rules made of its answers."""
    return {
        "outcome": assessment.outcome,
        "findings": [asdict(finding) for finding in assessment.findings],
        "excluded_regions": [asdict(ref) for ref in assessment.excluded_regions],
        "excluded_muscles": list(assessment.excluded_muscles),
        "excluded_techniques": list(assessment.excluded_techniques),
        "precautions": list(assessment.precautions),
        "valid_until": assessment.valid_until,
    }


def _hold_up_words(screening: Screening, hold_up: str, patient: Patient) -> str:
    if hold_up == "screening_expired":
        return f"The latest screening expired on {screening.valid_until:%Y-%m-%d}; screen again."
    if hold_up == "guardian_consent_required":
        day = rules.screening_day(patient, screening.performed_at)
        return (
            f"The patient was under {rules.ADULT_AGE} when screened on {day}, and the screening "
            "names no consenting parent or guardian: screen again with the guardian."
        )
    return "The latest screening did not clear the patient."


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
    screening = ruling_screening(patient.screenings.all(), at)
    if screening is None:
        raise RuleViolation(
            "screening_required", "The patient has no screening before this session."
        )
    if hold_up := rules.screening_hold_up(screening, at, patient):
        raise RuleViolation(hold_up, _hold_up_words(screening, hold_up, patient))
    _check_sites(screening, sites)
    missing = rules.missing_precautions(screening.precautions, precautions_acknowledged)
    if missing:
        raise RuleViolation(
            "precaution_not_acknowledged",
            f"Acknowledge these precautions of the screening: {', '.join(missing)}.",
        )
    return screening


def _check_entry_time(performed_at: datetime) -> None:
    problem = entry_time_problem(performed_at, timezone.now())
    if problem:
        raise RuleViolation("invalid_time", f"performed_at: {problem}")


def _check_certified(practitioner: Staff, at: datetime) -> None:
    """Whoever screens or needles, admins included, is certified on that day (clinic's date)."""
    day = at.astimezone(ZoneInfo(practitioner.own_clinic.timezone)).date()
    certified = practitioner.dn_certified_until
    if certified is None or certified < day:
        raise RuleViolation(
            "therapist_not_certified",
            f"{practitioner}'s dry-needling certification does not cover {day}.",
        )


def _check_guardian(
    patient: Patient, performed_at: datetime, guardian_name: str, guardian_consent: bool
) -> None:
    if patient.date_of_birth is None:  # recorded before it was required
        raise ValidationError(
            {"patient": "Record the patient's date of birth before screening them."}
        )
    if rules.guardian_missing(patient, performed_at, guardian_name, guardian_consent):
        day = rules.screening_day(patient, performed_at)
        raise RuleViolation(
            "guardian_consent_required",
            f"The patient is under {rules.ADULT_AGE} on {day}: name the parent or guardian "
            "and record their consent (guardian_name, guardian_consent).",
        )


def _check_sites(screening: Screening, sites: Sequence[PlannedSite]) -> None:
    for site in sites:
        refusal = rules.site_refusal(screening, site.muscle, site.side, site.technique)
        if refusal is not None:
            raise RuleViolation(
                refusal.code,
                f"The screening excludes {refusal.excluded}: "
                f"this {site.muscle.replace('_', ' ')} site cannot be needled.",
            )
