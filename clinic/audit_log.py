"""The clinic's audit log, served to its administrators (GET /api/v1/audit/).

The trail itself (audit/) sits beneath every app, which all record through it; reading it is a
clinic administrator's business, so its API lives here, above the HTTP plumbing it uses.
"""

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets

from audit.models import AuditEntry
from httpapi.filters import MomentFilter
from httpapi.permissions import IsClinicAdmin
from httpapi.scoping import ClinicScopedMixin


class AuditEntrySerializer(serializers.ModelSerializer):
    patient = serializers.UUIDField(source="patient_id", allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_type",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "patient",
            "request_id",
            "client_address",
        ]
        read_only_fields = fields


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
