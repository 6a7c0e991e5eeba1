"""Screening records and the muscle vocabulary.

A screening is never edited: a new one supersedes it, and the latest by `performed_at` rules.
The assessment (outcome, findings, exclusions, precautions) is computed once by
`screening.rules.assess` and stored with the answers it came from.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import models
from django.db.models import Q

from clinic.models import Clinic, Patient, Staff
from screening.vocabulary import Outcome, Region

CONSENT_TEXT_VERSION = "2026-11"


class Muscle(models.Model):
    code = models.CharField(max_length=40, primary_key=True)
    name = models.CharField(max_length=80)
    region = models.CharField(max_length=20, choices=Region.choices)
    lateral = models.BooleanField(default=True, help_text="Paired: a site names its side")
    risk_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["region", "code"]

    def __str__(self) -> str:
        return self.name


class Screening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    # Clinical records are retained: a screened patient is archived, never deleted.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    performed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField()
    # Consent: who took it and when are performed_by and performed_at; the text shown is versioned.
    consent_given = models.BooleanField()
    consent_text_version = models.CharField(max_length=20, default=CONSENT_TEXT_VERSION)
    # A patient under 18 on the screening date consents through a parent or legal guardian.
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_consent = models.BooleanField(default=False)
    answers = models.JSONField()
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    findings = models.JSONField(default=list)
    excluded_regions = models.JSONField(default=list)
    excluded_muscles = models.JSONField(default=list)
    excluded_techniques = models.JSONField(default=list)
    precautions = models.JSONField(default=list)
    valid_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(consent_given=True), name="screening_has_consent"),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("performed_at")), name="screening_validity"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="screening_outcome_known"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-performed_at"], name="screening_patient_latest"),
            models.Index(fields=["clinic", "-created_at"], name="screening_clinic_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.performed_at:%Y-%m-%d}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Screenings are append-only: record a new one instead.")
        super().save(*args, **kwargs)


def ruling_screening(screenings: Iterable[Screening], moment: datetime) -> Screening | None:
    """The screening that rules at `moment`: the latest performed by then (of two performed
    at once, the later recorded), or None. Given the patient's screenings, which a caller may
    have read already (`patient.screenings.all()`, prefetched or not)."""
    performed = [screening for screening in screenings if screening.performed_at <= moment]
    return max(performed, key=lambda s: (s.performed_at, s.created_at), default=None)
