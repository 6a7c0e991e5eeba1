from rest_framework import serializers

from audit.models import AuditEntry


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
