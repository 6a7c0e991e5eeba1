"""Per-clinic scoping: every query of every API view sees only the caller's clinic.

An object of another clinic is therefore simply not found (404), never forbidden (403).
Every API view also records in the audit trail the patient data it serves and names the
writer of what it changes.
"""

from rest_framework import serializers, viewsets
from rest_framework.permissions import SAFE_METHODS

from audit import trail
from httpapi.idempotency import IdempotentPostMixin
from httpapi.typing import ViewMixinBase


class ClinicScopedMixin(ViewMixinBase):
    """Views over models with a `clinic` foreign key."""

    def get_queryset(self):
        return super().get_queryset().filter(clinic_id=self.request.user.clinic_id)


class AuditedMixin(ViewMixinBase):
    """Reads of patient data go to the audit trail, one INSERT per response; writes are
    attributed to the caller, for the triggers that record them."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            trail.attribute_writes(request, trail.staff(request.user))

    def record_reads(self, records) -> None:
        trail.record_reads(self.request, trail.staff(self.request.user), records)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.record_reads(page or [])
        return page

    def get_object(self):
        record = super().get_object()
        if self.request.method in SAFE_METHODS:
            self.record_reads([record])
        return record


class ClinicViewSet(IdempotentPostMixin, AuditedMixin, ClinicScopedMixin, viewsets.GenericViewSet):
    """The base of every API viewset: scoped to the caller's clinic, audited, idempotent POST."""


class ClinicObjectField(serializers.PrimaryKeyRelatedField):
    """A reference to another object of the caller's clinic; others do not exist."""

    def get_queryset(self):
        request = self.context["request"]
        return super().get_queryset().filter(clinic_id=request.user.clinic_id)
