from django_filters import rest_framework as filters
from rest_framework import mixins, viewsets

from audit.models import AuditEntry
from audit.serializers import AuditEntrySerializer
from clinic.filters import MomentFilter
from clinic.permissions import IsClinicAdmin
from clinic.tenancy import ClinicScopedMixin


class AuditEntryFilter(filters.FilterSet):
    patient = filters.UUIDFilter(field_name="patient_id", help_text="A patient's id.")
    actor = filters.CharFilter(
        field_name="actor_id", help_text="A staff member's id, or the session of a patient link."
    )
    since = MomentFilter(
        field_name="at", lookup_expr="gte", help_text="Entries at or after this time."
    )

    class Meta:
        model = AuditEntry
        fields = ["patient", "actor", "since"]


class AuditEntryViewSet(ClinicScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who read or changed the clinic's patient data, newest first. Administrators only;
    the trail cannot be changed through any interface."""

    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    permission_classes = [IsClinicAdmin]
    filterset_class = AuditEntryFilter
    cursor_ordering = ("-id",)
