"""Outcome measures: pain (NPRS) and function (PSFS) as the patient rates them (domain.md
"Outcome measures"). A measure is never edited: a new rating is a new row."""

import uuid

from django.db import models
from django.db.models import Q

from clinic.models import Clinic, Patient, Staff
from sessions.models import NeedlingSession, Reporter, TreatmentCourse

__all__ = ["Instrument", "OutcomeMeasure"]


class Instrument(models.TextChoices):
    NPRS = "nprs", "Numeric Pain Rating Scale (0-10)"
    PSFS = "psfs", "Patient-Specific Functional Scale (0-10)"


class OutcomeMeasure(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="outcome_measures")
    course = models.ForeignKey(
        TreatmentCourse, on_delete=models.PROTECT, related_name="outcome_measures"
    )
    session = models.ForeignKey(
        NeedlingSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcome_measures",
    )
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    recorded_at = models.DateTimeField()
    reported_by = models.CharField(max_length=10, choices=Reporter.choices)
    recorded_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # NPRS: the rating itself. PSFS: the mean of the items, kept for lists and reports.
    score = models.FloatField()
    # PSFS only: [{"activity": text, "score": 0-10}], one to five.
    items = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__in=Instrument.values), name="outcome_instrument_known"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10), name="outcome_score_0_10"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-recorded_at"], name="outcome_clinic_recent"),
            models.Index(fields=["patient", "-recorded_at"], name="outcome_patient"),
            models.Index(fields=["course", "recorded_at"], name="outcome_course"),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.score:g} ({self.recorded_at:%Y-%m-%d})"
