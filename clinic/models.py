"""Tenancy and people: clinics, their staff, patients and rooms.

Every object belongs to exactly one clinic; queries are scoped by `clinic` (see tenancy.py).
"""

import uuid
from datetime import time

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from clinic.hours import DAYS
from clinic.validators import (
    validate_date_of_birth,
    validate_e164,
    validate_language,
    validate_one_line,
    validate_timezone,
)


class Clinic(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, validators=[validate_one_line])
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    # Aftercare that may wait is not sent between these local times (21:00-08:00 by default).
    quiet_hours_start = models.TimeField(default=time(21, 0))
    quiet_hours_end = models.TimeField(default=time(8, 0))
    # Shown to patients on their aftercare page, to call the clinic.
    phone = models.CharField(max_length=16, blank=True, validators=[validate_e164])
    # A freed slot offered to the waitlist passes to the next entry after this long unanswered.
    # At least long enough to read an SMS and tap its link; at most a day, or the slot waits idle.
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        default=120, validators=[MinValueValidator(10), MaxValueValidator(24 * 60)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Clinic administrator"
    THERAPIST = "therapist", "Therapist"


class Staff(AbstractUser):
    """A person who signs in: a clinic administrator or a therapist."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Empty only for platform superusers, who belong to no clinic and see no clinic's API.
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.THERAPIST)
    full_name = models.CharField(max_length=200, blank=True, validators=[validate_one_line])
    phone = models.CharField(max_length=16, blank=True, validators=[validate_e164])
    dn_certified_until = models.DateField(
        null=True, blank=True, help_text="Dry-needling certification valid until this date."
    )
    # When this person's tokens and login sessions were last revoked (clinic.access).
    access_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Names their calendar feed for apps that send no headers (clinic.services.calendar_secret).
    calendar_secret = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "staff member"
        verbose_name_plural = "staff"
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="staff_role_known"),
        ]

    @property
    def own_clinic(self) -> Clinic:
        """The clinic a clinic's staff member works for; a platform superuser has none."""
        if self.clinic is None:
            raise ValueError(f"{self} is a platform superuser and belongs to no clinic.")
        return self.clinic

    @property
    def is_clinic_admin(self) -> bool:
        return self.clinic_id is not None and self.role == Role.ADMIN

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django keeps a login session only while this hash is unchanged. It covers the
        # password; mixing in the last revocation ends every session of a deactivated person
        # too, for good: reactivating them later does not bring an old session back.
        # The stubs omit this private method of AbstractBaseUser, which Django has had since 4.1.
        digest = super()._get_session_auth_hash(secret)  # type: ignore[misc]
        if self.access_revoked_at is None:
            return digest
        revoked = f"{digest}:{self.access_revoked_at.isoformat()}"
        return salted_hmac(
            "clinic.Staff.access_revoked_at", revoked, secret=secret, algorithm="sha256"
        ).hexdigest()

    def __str__(self) -> str:
        return self.full_name or self.username

    def name_for_patients(self, clinic: Clinic) -> str:
        """What a patient of `clinic` is told they are called: their full name, else the
        clinic's name (never the username, which is half of their sign-in)."""
        return self.full_name or clinic.name


class WorkingHours(models.Model):
    """One block of a staff member's weekly hours, on the clinic's local wall clock."""

    # Every clinic's table names its clinic, so a clinic's rows live together (docs/scaling.md).
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+", editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(help_text="Monday=0 .. Sunday=6")
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="working_hours_weekday"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="working_hours_order"
            ),
            models.UniqueConstraint(
                fields=["staff", "weekday", "start"], name="working_hours_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def get_weekday_display(self) -> str:
        return DAYS[self.weekday][:3]


class Channel(models.TextChoices):
    """How a message travels to a patient."""

    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class PreferredChannel(models.TextChoices):
    """What the patient asked for: one channel, both, or no messages."""

    SMS = Channel.SMS.value, "SMS"
    EMAIL = Channel.EMAIL.value, "Email"
    BOTH = "both", "SMS and email"
    NONE = "none", "No messages"

    def channels(self) -> list[Channel]:
        if self == PreferredChannel.BOTH:
            return [Channel.SMS, Channel.EMAIL]
        if self == PreferredChannel.NONE:
            return []
        return [Channel(self.value)]


# Where each channel reaches a patient, and what to say when it is missing.
ADDRESS_NEEDED = {
    Channel.SMS: ("phone", "A phone number is needed to send this patient SMS."),
    Channel.EMAIL: ("email", "An email address is needed to email this patient."),
}


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    given_name = models.CharField(max_length=100, validators=[validate_one_line])
    family_name = models.CharField(max_length=100, validators=[validate_one_line])
    # Required (api.md 1.1); the column stays nullable for patients registered before.
    date_of_birth = models.DateField(null=True, validators=[validate_date_of_birth])
    phone = models.CharField(max_length=16, blank=True, validators=[validate_e164])
    email = models.EmailField(max_length=254, blank=True)
    preferred_channel = models.CharField(
        max_length=8, choices=PreferredChannel.choices, default=PreferredChannel.NONE
    )
    sms_consent = models.BooleanField(default=False)
    # Set by aftercare.outbox when the patient texts STOP: START gives back only the consent a
    # STOP took away, never consent the patient did not give.
    sms_stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_consent = models.BooleanField(default=False)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    language = models.CharField(max_length=16, default="en", validators=[validate_language])
    # Set and cleared only by clinic.holds, which keeps a ClinicalHold row for each hold.
    clinical_hold = models.BooleanField(
        default=False, help_text="No new bookings, courses or sessions until an admin releases it"
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived: kept on record, no longer booked or treated"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(preferred_channel__in=PreferredChannel.values),
                name="patient_channel_known",
            ),
            models.CheckConstraint(
                condition=~Q(preferred_channel__in=["sms", "both"], phone=""),
                name="patient_sms_needs_phone",
            ),
            models.CheckConstraint(
                condition=~Q(preferred_channel__in=["email", "both"], email=""),
                name="patient_email_needs_email",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-created_at"], name="patient_clinic_recent"),
            models.Index(
                fields=["clinic", "family_name", "given_name"], name="patient_clinic_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        """A channel the patient prefers needs its address (also a database constraint)."""
        errors = {}
        for channel in PreferredChannel(self.preferred_channel or "none").channels():
            field, message = ADDRESS_NEEDED[channel]
            if not getattr(self, field):
                errors[field] = message
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ClinicalHold(models.Model):
    """One period of a patient's clinical hold: why it began, and who ended it, when and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="holds")
    reason = models.TextField()
    started_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(released_at__isnull=True),
                name="clinical_hold_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True, release_note="")
                | Q(released_at__isnull=False, released_by__isnull=False) & ~Q(release_note=""),
                name="clinical_hold_released_with_note",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-started_at"], name="clinical_hold_patient")]

    def __str__(self) -> str:
        return f"{self.patient} on hold since {self.started_at:%Y-%m-%d %H:%M}"


class Room(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="room_name_unique_in_clinic"),
        ]
        indexes = [models.Index(fields=["clinic", "-created_at"], name="room_clinic_recent")]

    def __str__(self) -> str:
        return self.name
