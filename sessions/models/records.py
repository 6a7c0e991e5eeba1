"""The clinical record: needling sessions, their sites and stimulation, addenda, side effects.

A session is a draft until signed; a signed session never changes again (addenda are separate
rows). On PostgreSQL a trigger refuses any change to a signed session or its sites, as a second
line of defence behind the services (migration 0004).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Patient, Staff
from screening.models import Muscle, Screening
from screening.vocabulary import Manipulation, SiteSide, Technique
from sessions.models.scheduling import Appointment, TreatmentCourse

__all__ = [
    "Addendum",
    "Depth",
    "ElectricalStimulation",
    "NeedleSite",
    "NeedlingSession",
    "Reporter",
    "SessionStatus",
    "Severity",
    "SideEffect",
    "SideEffectKind",
    "Waveform",
]

SUPERFICIAL_MAX_MM = 10
MOST_SITES = 60  # needle sites in one session, at every door
MOST_NEEDLES_AT_A_SITE = 200
MOST_NEEDLES = MOST_SITES * MOST_NEEDLES_AT_A_SITE  # counted out of one session
MOST_PAIRS = 30  # electrical stimulation pairs in one session
# domain.md "Electrical stimulation — accepted ranges": field -> (lowest, highest), inclusive.
STIMULATION_RANGES = {
    "frequency_hz": (0.5, 150),
    "pulse_width_us": (20, 1000),
    "intensity_ma": (0.1, 50),
    "duration_minutes": (1, 60),
}


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class Depth(models.TextChoices):
    SUPERFICIAL = "superficial", "Superficial (up to 10 mm)"
    DEEP = "deep", "Deep (into muscle)"


class Waveform(models.TextChoices):
    BIPHASIC = "biphasic", "Biphasic"
    MONOPHASIC = "monophasic", "Monophasic"
    BURST = "burst", "Burst"
    DENSE_DISPERSE = "dense_disperse", "Dense-disperse"


class NeedlingSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="needling_sessions")
    therapist = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="needling_sessions")
    appointment = models.OneToOneField(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needling_session",
    )
    course = models.ForeignKey(
        TreatmentCourse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needling_sessions",
    )
    screening = models.ForeignKey(
        Screening,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The screening that cleared this session",
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    precautions_acknowledged = models.JSONField(default=list)
    heat_advised = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    # The needle record: which lot (for a recall), its expiry, and how many came out again.
    needle_lot = models.CharField(max_length=64, blank=True)
    needle_expiry = models.DateField(null=True, blank=True)
    needles_removed = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who treated and signed, as they stood at the signing: the note prints these, since a
    # person's name or certification may change later and the signed record may not.
    signed_by_name = models.CharField(max_length=200, blank=True)
    therapist_name = models.CharField(max_length=200, blank=True)
    therapist_certified_until = models.DateField(null=True, blank=True)
    # The patient as named and born, and the warnings the record carried ([{"code", "message"}]),
    # at the signing: a corrected date of birth or a later screening does not rewrite the note.
    patient_name = models.CharField(max_length=201, blank=True)  # given and family, 100 each
    patient_date_of_birth = models.DateField(null=True, blank=True)
    # None: signed before the warnings were kept (migration 0012); the note shows them as now.
    signed_warnings = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_before__lte=10), name="session_pain_before_0_10"
            ),
            models.CheckConstraint(condition=Q(pain_after__lte=10), name="session_pain_after_0_10"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", signed_at__isnull=True)
                | Q(status="signed", signed_at__isnull=False, ended_at__isnull=False),
                name="session_signed_when_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-started_at"], name="session_clinic_recent"),
            models.Index(fields=["patient", "-started_at"], name="session_patient"),
            models.Index(fields=["therapist", "-started_at"], name="session_therapist"),
            models.Index(fields=["course", "-started_at"], name="session_course"),
            models.Index(fields=["clinic", "needle_lot"], name="session_needle_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_signed(self) -> bool:
        return self.status == SessionStatus.SIGNED

    @property
    def patient_named(self) -> str:
        """The patient as the record names them: as at the signing once signed, else as now."""
        return self.patient_name if self.is_signed else str(self.patient)

    @property
    def therapist_named(self) -> str:
        """The therapist as the record names them: as at the signing once signed, else as now."""
        return self.therapist_name if self.is_signed else str(self.therapist)

    @property
    def recorded_at(self):
        """When the session was entered (it may describe a treatment given earlier)."""
        return self.created_at


class NeedleSite(models.Model):
    # Every clinical table names its clinic, so a clinic's rows live together (docs/scaling.md).
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    session = models.ForeignKey(NeedlingSession, on_delete=models.CASCADE, related_name="sites")
    position = models.PositiveSmallIntegerField(help_text="Index of the site in the session")
    muscle = models.ForeignKey(Muscle, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=SiteSide.choices)
    technique = models.CharField(max_length=20, choices=Technique.choices)
    manipulation = models.CharField(max_length=20, choices=Manipulation.choices, blank=True)
    depth = models.CharField(max_length=12, choices=Depth.choices)
    depth_mm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    needle_length_mm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    needle_gauge_mm = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    needle_count = models.PositiveSmallIntegerField(default=1)
    twitch_response = models.BooleanField(default=False, help_text="Local twitch response elicited")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="site_position_unique"),
            models.CheckConstraint(condition=Q(needle_count__gte=1), name="site_needle_count"),
            models.CheckConstraint(
                condition=~Q(depth=Depth.SUPERFICIAL, depth_mm__gt=SUPERFICIAL_MAX_MM),
                name="site_superficial_at_most_10mm",
            ),
            models.CheckConstraint(condition=Q(depth_mm__gt=0), name="site_depth_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle_id} ({self.side}), {self.technique}"


class ElectricalStimulation(models.Model):
    """Current between two needled sites, both of technique `electrical`."""

    # Every clinical table names its clinic, so a clinic's rows live together (docs/scaling.md).
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    session = models.ForeignKey(
        NeedlingSession, on_delete=models.CASCADE, related_name="electrical"
    )
    site_a = models.ForeignKey(NeedleSite, on_delete=models.CASCADE, related_name="+")
    site_b = models.ForeignKey(NeedleSite, on_delete=models.CASCADE, related_name="+")
    frequency_hz = models.DecimalField(max_digits=5, decimal_places=1)
    pulse_width_us = models.PositiveSmallIntegerField()
    intensity_ma = models.DecimalField(max_digits=4, decimal_places=1)
    waveform = models.CharField(max_length=16, choices=Waveform.choices)
    duration_minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(site_a=models.F("site_b")), name="stimulation_two_sites"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
                    name=f"stimulation_{field}_range",
                )
                for field, (low, high) in STIMULATION_RANGES.items()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.frequency_hz} Hz, {self.intensity_ma} mA, {self.duration_minutes} min"


class Addendum(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Every clinical table names its clinic, so a clinic's rows live together (docs/scaling.md).
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    session = models.ForeignKey(NeedlingSession, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    # The author's name as it was when they wrote: a name changed later does not change it.
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d %H:%M}"


class SideEffectKind(models.TextChoices):
    BRUISING = "bruising", _("Bruising")
    BLEEDING = "bleeding", _("Bleeding")
    PAIN_DURING = "pain_during", _("Pain during needling")
    SORENESS_AFTER = "soreness_after", _("Soreness after")
    FATIGUE = "fatigue", _("Fatigue")
    HEADACHE = "headache", _("Headache")
    DIZZINESS = "dizziness", _("Dizziness")
    NAUSEA = "nausea", _("Nausea")
    FAINTING = "fainting", _("Fainting")
    SKIN_IRRITATION = "skin_irritation", _("Skin irritation")
    PNEUMOTHORAX = "pneumothorax", _("Pneumothorax")
    NERVE_INJURY = "nerve_injury", _("Nerve injury")
    INFECTION = "infection", _("Infection")
    CHEST_PAIN = "chest_pain", _("Chest pain")
    BREATHLESSNESS = "breathlessness", _("Breathlessness")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class Reporter(models.TextChoices):
    THERAPIST = "therapist", "Therapist"
    PATIENT = "patient", "Patient"


SERIOUS_KINDS = (
    SideEffectKind.PNEUMOTHORAX,
    SideEffectKind.NERVE_INJURY,
    SideEffectKind.INFECTION,
    SideEffectKind.CHEST_PAIN,
    SideEffectKind.BREATHLESSNESS,
)
# The red flags of a pneumothorax (domain.md): happening now, they need emergency care, not us.
RED_FLAG_KINDS = (SideEffectKind.CHEST_PAIN, SideEffectKind.BREATHLESSNESS)
SERIOUS = Q(kind__in=SERIOUS_KINDS) | Q(severity=Severity.SEVERE)


class SideEffect(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        NeedlingSession, on_delete=models.PROTECT, related_name="side_effects"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="side_effects")
    kind = models.CharField(max_length=20, choices=SideEffectKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    onset_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    reported_by = models.CharField(max_length=10, choices=Reporter.choices)
    serious = models.BooleanField(
        help_text="Pneumothorax, nerve injury, infection, chest pain, breathlessness, or severe"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # `serious` is derived by the domain rule; the database keeps it honest.
            models.CheckConstraint(
                condition=Q(SERIOUS, serious=True) | Q(~SERIOUS, serious=False),
                name="side_effect_serious_rule",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | Q(onset_at__isnull=True)
                | Q(resolved_at__gte=models.F("onset_at")),
                name="side_effect_resolved_after_onset",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-created_at"], name="side_effect_clinic_recent"),
            models.Index(fields=["session", "-created_at"], name="side_effect_session"),
            models.Index(fields=["patient", "-created_at"], name="side_effect_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.severity})"
