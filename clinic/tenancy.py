"""Per-clinic scoping: every query of every API view sees only the caller's clinic.

An object of another clinic is therefore simply not found (404), never forbidden (403).
"""

from rest_framework import serializers, viewsets

from clinic.idempotency import IdempotentPostMixin


class ClinicScopedMixin:
    """Views over models with a `clinic` foreign key."""

    def get_queryset(self):
        return super().get_queryset().filter(clinic_id=self.request.user.clinic_id)


class ClinicViewSet(IdempotentPostMixin, ClinicScopedMixin, viewsets.GenericViewSet):
    """The base of every API viewset: scoped to the caller's clinic, idempotent POST."""


class ClinicObjectField(serializers.PrimaryKeyRelatedField):
    """A reference to another object of the caller's clinic; others do not exist."""

    def get_queryset(self):
        request = self.context["request"]
        return super().get_queryset().filter(clinic_id=request.user.clinic_id)
