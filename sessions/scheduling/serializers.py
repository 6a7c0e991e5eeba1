from datetime import timedelta

from rest_framework import serializers

from clinic.models import Patient, Room, Staff
from httpapi.fields import MomentField
from httpapi.rows import RowRepresentation
from httpapi.scoping import ClinicObjectField
from sessions.models import Appointment, TreatmentCourse
from sessions.models.scheduling import (
    COURSE_SESSIONS,
    DEFAULT_MAX_GAP_DAYS,
    DEFAULT_MIN_GAP_DAYS,
    DEFAULT_MINUTES,
    DEFAULT_SESSIONS,
    GAP_DAYS,
    SESSION_MINUTES,
)

MAX_FREE_SLOT_WINDOW = timedelta(days=31)


class AppointmentSerializer(RowRepresentation, serializers.ModelSerializer):
    patient = ClinicObjectField(queryset=Patient.objects.all())
    therapist = ClinicObjectField(queryset=Staff.objects.all())
    room = ClinicObjectField(queryset=Room.objects.all(), required=False, allow_null=True)
    course = ClinicObjectField(
        queryset=TreatmentCourse.objects.all(), required=False, allow_null=True
    )
    starts_at = MomentField()
    ends_at = MomentField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "patient",
            "therapist",
            "room",
            "course",
            "starts_at",
            "ends_at",
            "status",
            "cancel_reason",
            "confirmed_at",
        ]
        read_only_fields = ["status", "cancel_reason", "confirmed_at"]


class RescheduleSerializer(serializers.Serializer):
    starts_at = MomentField()
    ends_at = MomentField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CourseSerializer(serializers.ModelSerializer):
    patient = ClinicObjectField(queryset=Patient.objects.all())
    therapist = ClinicObjectField(queryset=Staff.objects.all())
    room = ClinicObjectField(queryset=Room.objects.all(), required=False, allow_null=True)
    planned_sessions = serializers.IntegerField(
        min_value=COURSE_SESSIONS.start, max_value=COURSE_SESSIONS[-1], default=DEFAULT_SESSIONS
    )
    session_minutes = serializers.IntegerField(
        min_value=SESSION_MINUTES.start, max_value=SESSION_MINUTES[-1], default=DEFAULT_MINUTES
    )
    min_gap_days = serializers.IntegerField(
        min_value=GAP_DAYS.start,
        max_value=GAP_DAYS[-1],
        default=DEFAULT_MIN_GAP_DAYS,
        help_text="Local calendar days between sessions",
    )
    max_gap_days = serializers.IntegerField(
        min_value=GAP_DAYS.start, max_value=GAP_DAYS[-1], default=DEFAULT_MAX_GAP_DAYS
    )
    earliest_start = MomentField(required=False, help_text="Defaults to now")
    auto_schedule = serializers.BooleanField(
        default=True, write_only=True, help_text="Book every planned session now"
    )
    sessions_done = serializers.IntegerField(read_only=True)
    appointments = AppointmentSerializer(many=True, read_only=True)

    class Meta:
        model = TreatmentCourse
        fields = [
            "id",
            "patient",
            "therapist",
            "room",
            "indication",
            "planned_sessions",
            "session_minutes",
            "min_gap_days",
            "max_gap_days",
            "earliest_start",
            "auto_schedule",
            "status",
            "sessions_done",
            "appointments",
        ]
        read_only_fields = ["status"]


class FreeSlotsQuerySerializer(serializers.Serializer):
    start = MomentField()
    end = MomentField()
    minutes = serializers.IntegerField(
        min_value=SESSION_MINUTES.start, max_value=SESSION_MINUTES[-1], default=DEFAULT_MINUTES
    )

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "Must be after start."})
        if attrs["end"] - attrs["start"] > MAX_FREE_SLOT_WINDOW:
            raise serializers.ValidationError({"end": "Ask for at most 31 days at a time."})
        return attrs


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class CalendarUrlSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Subscribe to it without headers; rotate it if shared")
