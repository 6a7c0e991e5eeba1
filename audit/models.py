"""The audit trail: one append-only row per read or write of patient data.

It holds plain ids, not foreign keys: the trail outlives what it describes, and a deleted
patient's history stays readable. PostgreSQL refuses any UPDATE or DELETE of a row
(migration 0002), and no interface offers one.
"""

from django.db import models
from django.db.models.functions import Now


class Action(models.TextChoices):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class ActorType(models.TextChoices):
    STAFF = "staff"
    PATIENT_LINK = "patient_link"
    SYSTEM = "system"  # the aftercare worker, management commands


class AuditEntry(models.Model):
    at = models.DateTimeField(db_default=Now())
    clinic_id = models.UUIDField(null=True)
    actor_type = models.CharField(max_length=20, choices=ActorType.choices)
    # A staff member's id, or for a patient link the session it opens.
    actor_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    patient_id = models.UUIDField(null=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True)

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["clinic_id", "-id"], name="audit_by_clinic"),
            models.Index(fields=["clinic_id", "patient_id", "-id"], name="audit_by_patient"),
            models.Index(fields=["clinic_id", "actor_id", "-id"], name="audit_by_actor"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_type} {self.action} {self.object_type}"
