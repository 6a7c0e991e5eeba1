from django.conf import settings
from rest_framework import serializers

from aftercare.models import (
    PATIENT_KINDS,
    InboundSms,
    MessageText,
    Notification,
    WaitlistEntry,
)
from clinic.models import Patient, Staff
from httpapi.fields import MomentField
from httpapi.scoping import ClinicObjectField
from sessions.models.scheduling import SESSION_MINUTES


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


class MessageTextSerializer(serializers.Serializer):
    """The words patients get for one kind of message in one language (message_texts.py)."""

    kind = serializers.ChoiceField(choices=PATIENT_KINDS, read_only=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, read_only=True)
    subject = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    placeholders = serializers.ListField(child=serializers.CharField(), read_only=True)
    is_default = serializers.BooleanField(read_only=True)


class OwnTextSerializer(serializers.ModelSerializer):
    """A clinic's own words; texts.check_text decides what may stand between braces."""

    class Meta:
        model = MessageText
        fields = ["subject", "body"]


class LanguageQuerySerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)


class InboundSmsSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundSms
        fields = [
            "id",
            "patient",
            "from_number",
            "body",
            "action",
            "detail",
            "appointment",
            "side_effect",
            "received_at",
        ]
        read_only_fields = fields


class WaitlistEntrySerializer(serializers.ModelSerializer):
    patient = ClinicObjectField(queryset=Patient.objects.all())
    therapist = ClinicObjectField(queryset=Staff.objects.all(), required=False, allow_null=True)
    earliest = MomentField()
    latest = MomentField()
    minutes = serializers.IntegerField(
        min_value=SESSION_MINUTES.start, max_value=SESSION_MINUTES[-1]
    )

    class Meta:
        model = WaitlistEntry
        fields = ["id", "patient", "therapist", "earliest", "latest", "minutes", "status"]
        read_only_fields = ["status"]
