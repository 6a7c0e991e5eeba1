from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.models import Patient
from httpapi.fields import MomentField
from httpapi.scoping import ClinicObjectField
from outcomes.models import Instrument, OutcomeMeasure
from outcomes.rules import HIGHEST, LOWEST, MOST_PSFS_ITEMS
from sessions.models import NeedlingSession, Reporter, TreatmentCourse


@extend_schema_field(OpenApiTypes.NUMBER)
class ScoreField(serializers.IntegerField):
    """Written, a whole number (the NPRS rating; its range is outcomes.rules' to check). Read,
    the stored score: a whole number as such (NPRS is an integer, api.md), a PSFS mean with
    its decimals."""

    def to_representation(self, value):
        return int(value) if float(value).is_integer() else value


class PsfsItemSerializer(serializers.Serializer):
    activity = serializers.CharField(max_length=200, help_text="An activity the patient names")
    score = serializers.IntegerField(min_value=LOWEST, max_value=HIGHEST)


class OutcomeMeasureSerializer(serializers.ModelSerializer):
    patient = ClinicObjectField(queryset=Patient.objects.all())
    course = ClinicObjectField(queryset=TreatmentCourse.objects.all())
    session = ClinicObjectField(
        queryset=NeedlingSession.objects.all(), required=False, allow_null=True
    )
    instrument = serializers.ChoiceField(choices=Instrument.choices)
    recorded_at = MomentField(
        required=False,
        help_text="Default: the session's start if a session is given, else now. At a session, "
        "within its time; at none, not before the course's first session (or its creation).",
    )
    reported_by = serializers.ChoiceField(choices=Reporter.choices, default=Reporter.THERAPIST)
    # NPRS: the rating, written. PSFS: the mean of the items, read only (sending one is a 400).
    score = ScoreField(required=False, allow_null=True, help_text="NPRS 0-10; PSFS: the mean")
    items: serializers.ListSerializer[list[dict[str, Any]]] = serializers.ListSerializer(
        child=PsfsItemSerializer(), required=False, max_length=MOST_PSFS_ITEMS
    )

    class Meta:
        model = OutcomeMeasure
        fields = [
            "id",
            "patient",
            "course",
            "session",
            "instrument",
            "recorded_at",
            "reported_by",
            "score",
            "items",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by"]


class CourseChangeSerializer(serializers.Serializer):
    baseline = serializers.FloatField(allow_null=True)
    latest = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="latest - baseline")
    mcid = serializers.FloatField(help_text="Minimal clinically important difference")
    mcid_met = serializers.BooleanField(help_text="NPRS fell, or PSFS rose, by at least the MCID")
    measures = serializers.IntegerField()


class CourseOutcomesSerializer(serializers.Serializer):
    course = serializers.UUIDField()
    nprs = CourseChangeSerializer()
    psfs = CourseChangeSerializer()
