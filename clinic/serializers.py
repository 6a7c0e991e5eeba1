from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.models import Clinic, Patient, Room, Staff, WorkingHours
from httpapi.fields import WholeItem


# OpenAPI's `format: time` means RFC 3339 (seconds and an offset); the clock is plain "09:00".
@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "09:00"}
)
class ClockField(serializers.TimeField):
    """A wall-clock time, written "HH:MM" as the contract shows it."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ClinicSerializer(serializers.ModelSerializer):
    quiet_hours_start = ClockField(required=False)
    quiet_hours_end = ClockField(required=False)

    class Meta:
        model = Clinic
        fields = ["id", "name", "timezone", "phone", "quiet_hours_start", "quiet_hours_end"]


class WorkingHoursSerializer(WholeItem, serializers.ModelSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="Monday=0 .. Sunday=6")
    start = ClockField(help_text="Local time in the clinic's timezone")
    end = ClockField(help_text="Local time in the clinic's timezone")

    class Meta:
        model = WorkingHours
        fields = ["weekday", "start", "end"]


class TherapistSerializer(serializers.ModelSerializer):
    # Checked by Django's password validators in the service, against the person's details.
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    working_hours = WorkingHoursSerializer(many=True, required=False)

    class Meta:
        model = Staff
        fields = [
            "id",
            "username",
            "password",
            "full_name",
            "email",
            "phone",
            "role",
            "dn_certified_until",
            "is_active",
            "working_hours",
        ]
        extra_kwargs = {
            "is_active": {"help_text": "False: cannot sign in; every token and session ends"}
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # updates may leave the password alone
            fields["password"].required = False
        return fields


class ClinicSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Clinic
        fields = ["id", "name", "timezone"]


class MeSerializer(serializers.ModelSerializer):
    """The signed-in staff member."""

    clinic = ClinicSummarySerializer(read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "username", "full_name", "role", "dn_certified_until", "clinic"]
        read_only_fields = fields


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name"]


class PatientSerializer(serializers.ModelSerializer):
    timezone = serializers.CharField(
        max_length=64, required=False, help_text="IANA name; defaults to the clinic's timezone"
    )

    class Meta:
        model = Patient
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "phone",
            "email",
            "preferred_channel",
            "sms_consent",
            "email_consent",
            "timezone",
            "language",
            "clinical_hold",
            "archived_at",
        ]
        extra_kwargs = {
            "date_of_birth": {
                "required": True,
                "allow_null": False,
                "help_text": "A past date, not before 1900-01-01",
            },
            "language": {"help_text": "One of the supported languages: en, es"},
        }
        read_only_fields = ["clinical_hold", "archived_at"]

    def validate_timezone(self, value):
        Patient._meta.get_field("timezone").run_validators(value)
        return value


class ReleaseHoldSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, help_text="Why treatment may go on (recorded with who and when)"
    )
