from rest_framework import serializers

from aftercare.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "patient",
            "session",
            "appointment",
            "kind",
            "channel",
            "send_at",
            "expires_at",
            "status",
            "sent_at",
            "attempts",
            "last_error",
            "staff",
        ]
        read_only_fields = fields
