"""The notification outbox: every message anyone is sent, from planning to its final state.

Rows are written in the transaction of the event that causes them; a unique dedupe key
(event, kind, channel) means a replayed event never plans a message twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from clinic.models import Channel, Clinic, Patient, Staff
from sessions.models import Appointment, NeedlingSession, SideEffect, TreatmentCourse


class Kind(models.TextChoices):
    AFTERCARE_IMMEDIATE = "aftercare_immediate", "Aftercare right after the session"
    HEAT_OK = "heat_ok", "Heat is fine now"
    CHECKIN_24H = "checkin_24h", "Check-in the next day"
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
    COURSE_REBOOK = "course_rebook", "Book the rest of the course"
    APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled"
    APPOINTMENT_RESCHEDULED = "appointment_rescheduled", "Appointment moved"
    OUTCOME_RERATE = "outcome_rerate", "Re-rate pain and activities before the 4th session"
    # To the treating therapist and the clinic's administrators (`staff`), not the patient.
    SIDE_EFFECT_ALERT = "side_effect_alert", "Serious side effect alert"


PATIENT_KINDS = [kind for kind in Kind.values if kind != Kind.SIDE_EFFECT_ALERT]


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SUPPRESSED = "suppressed", "Suppressed (no consent or opted out)"
    EXPIRED = "expired", "Expired"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="notifications")
    session = models.ForeignKey(
        NeedlingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    course = models.ForeignKey(
        TreatmentCourse, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    side_effect = models.ForeignKey(
        SideEffect, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    staff = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The staff member an alert goes to (therapist or administrator)",
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    send_at = models.DateTimeField(help_text="When the plan says it should go")
    expires_at = models.DateTimeField(help_text="Never sent after this")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Delivery bookkeeping: when to try next, who holds the row, and for how long.
    due_at = models.DateTimeField()
    queued_until = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="notification_status"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("send_at")), name="notification_expires_later"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notification_due",
            ),
            models.Index(fields=["clinic", "-created_at"], name="notification_clinic_recent"),
            models.Index(fields=["patient", "-created_at"], name="notification_patient"),
            models.Index(fields=["session"], name="notification_session"),
            models.Index(fields=["appointment"], name="notification_appointment"),
            models.Index(fields=["provider_id"], name="notification_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.channel} to {self.patient} ({self.status})"


class MessageText(models.Model):
    """A clinic's own words for one kind of message in one language, instead of the built-in
    text. Only `{{ placeholder }}` of its kind is allowed (aftercare/texts.py checks it on every
    save, in the API and the admin, and again before every send)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    subject = models.CharField(max_length=200, help_text="Email subject")
    body = models.TextField(
        help_text="SMS sends it as is, email adds a greeting. Each kind has its placeholders, "
        "written {{ name }}; nothing else between braces."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "language", "kind"], name="message_text_once_per_language"
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _ in settings.LANGUAGES]),
                name="message_text_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"
