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
    # Answers to a patient's SMS reply, and the waitlist's offer of a freed slot.
    APPOINTMENT_CONFIRMED = "appointment_confirmed", "Appointment confirmed"
    URGENT_CARE = "urgent_care", "Seek urgent care (answer to red-flag words)"
    WAITLIST_OFFER = "waitlist_offer", "A freed slot offered from the waitlist"
    # To the treating therapist and the clinic's administrators (`staff`), not the patient.
    SIDE_EFFECT_ALERT = "side_effect_alert", "Serious side effect alert"
    PATIENT_CANCELLED = "patient_cancelled", "A patient cancelled by SMS"
    RED_FLAG_ALERT = "red_flag_alert", "Red-flag words by SMS, no session to report against"


STAFF_KINDS = (Kind.SIDE_EFFECT_ALERT, Kind.PATIENT_CANCELLED, Kind.RED_FLAG_ALERT)
PATIENT_KINDS = [kind for kind in Kind.values if kind not in STAFF_KINDS]


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
    waitlist_offer = models.ForeignKey(
        "WaitlistOffer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
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

    @property
    def to_staff(self) -> bool:
        """An alert to a member of staff (`staff`) about the patient, not a message to them."""
        return self.kind in STAFF_KINDS


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


class ReplyAction(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed the next appointment"
    CANCELLED = "cancelled", "Cancelled the next appointment"
    SORENESS = "soreness", "Soreness recorded"
    RED_FLAG = "red_flag", "Red-flag words: serious alert"
    OPTED_OUT = "opted_out", "STOP: no more SMS"
    OPTED_IN = "opted_in", "START: SMS again"
    KEPT = "kept", "Kept for staff to read"


class InboundSms(models.Model):
    """One SMS a patient sent, as each clinic that knows the number sees it: a number shared
    by patients of two clinics makes one row in each, so neither clinic sees the other."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="inbound_sms")
    from_number = models.CharField(max_length=16)
    body = models.TextField()
    provider_id = models.CharField(max_length=64, help_text="The provider's message id")
    action = models.CharField(max_length=12, choices=ReplyAction.choices)
    detail = models.CharField(max_length=500, blank=True, help_text="Why, for staff")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    side_effect = models.ForeignKey(
        SideEffect, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "inbound SMS"
        verbose_name_plural = "inbound SMS"
        constraints = [
            # The provider retries a webhook it thinks failed: the same message acts once.
            models.UniqueConstraint(
                fields=["provider_id", "patient"],
                condition=~Q(provider_id=""),
                name="inbound_sms_once_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(action__in=ReplyAction.values), name="inbound_sms_action"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-received_at"], name="inbound_sms_clinic_recent"),
            models.Index(fields=["patient", "-received_at"], name="inbound_sms_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.from_number}: {self.body[:40]} ({self.action})"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a slot"
    BOOKED = "booked", "Booked"


class WaitlistEntry(models.Model):
    """A patient who would take an earlier slot: any therapist or a named one, starting
    between `earliest` and `latest`, lasting `minutes`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    therapist = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    earliest = models.DateTimeField()
    latest = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=8, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(latest__gt=models.F("earliest")), name="waitlist_window_order"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=480), name="waitlist_minutes_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=WaitlistStatus.values), name="waitlist_status"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "status", "created_at"], name="waitlist_clinic_queue")
        ]

    def __str__(self) -> str:
        return f"{self.patient} waiting {self.earliest:%Y-%m-%d %H:%M}-{self.latest:%H:%M}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    LAPSED = "lapsed", "Lapsed unanswered"
    GONE = "gone", "Slot gone"


class WaitlistOffer(models.Model):
    """A freed slot (the cancelled appointment's therapist, room and start) offered to one
    waitlist entry until `expires_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    freed = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=8, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    expires_at = models.DateTimeField()
    booked = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status"),
            # A freed slot is taken once; an entry is offered a slot once.
            models.UniqueConstraint(
                fields=["freed"], condition=Q(status="accepted"), name="offer_accepted_once"
            ),
            models.UniqueConstraint(fields=["freed", "entry"], name="offer_once_per_entry"),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(status="offered"), name="offer_open_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"Offer to {self.entry.patient} ({self.status})"
