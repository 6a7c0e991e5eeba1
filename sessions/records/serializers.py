from collections.abc import Mapping
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinic.models import Patient, Staff
from httpapi.fields import MomentField, WholeItem
from httpapi.rows import RowRepresentation
from httpapi.scoping import ClinicObjectField
from screening.vocabulary import Manipulation, Precaution, SiteSide, Technique, muscle_by_code
from sessions.models import (
    Addendum,
    Appointment,
    Depth,
    NeedlingSession,
    Reporter,
    SideEffect,
    TreatmentCourse,
    Waveform,
)
from sessions.models.records import (
    MOST_NEEDLES,
    MOST_NEEDLES_AT_A_SITE,
    MOST_PAIRS,
    MOST_SITES,
    STIMULATION_RANGES,
)
from sessions.records.rules import depth_problem, side_problem
from sessions.records.selectors import warnings_of

MUSCLE_CODES = sorted(muscle_by_code)


class SiteSerializer(WholeItem):
    muscle = serializers.ChoiceField(choices=MUSCLE_CODES, help_text="A muscle code (/muscles/)")
    side = serializers.ChoiceField(choices=SiteSide.choices)
    technique = serializers.ChoiceField(choices=Technique.choices)
    manipulation = serializers.ChoiceField(
        choices=Manipulation.choices, required=False, allow_blank=True
    )
    depth = serializers.ChoiceField(choices=Depth.choices)
    depth_mm = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=200,
        required=False,
        allow_null=True,
        help_text="Superficial: at most 10 mm",
    )
    needle_length_mm = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=1, max_value=200, required=False, allow_null=True
    )
    needle_gauge_mm = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0.05"),
        max_value=2,
        required=False,
        allow_null=True,
    )
    needle_count = serializers.IntegerField(
        min_value=1, max_value=MOST_NEEDLES_AT_A_SITE, default=1
    )
    twitch_response = serializers.BooleanField(default=False, help_text="Local twitch response")

    def validate(self, site):
        problems = {
            "side": side_problem(site["muscle"], site["side"]),
            "depth_mm": depth_problem(site["depth"], site.get("depth_mm")),
        }
        if any(problems.values()):
            raise serializers.ValidationError(
                {field: problem for field, problem in problems.items() if problem}
            )
        return site

    def to_representation(self, site):
        # A page of sessions holds hundreds of sites: plain reads, not DRF's walk field by field
        # (a third of the list's serialisation). Stored decimals already have the fields' places.
        if isinstance(site, Mapping):  # a row of the list (sessions.records.list_rows)
            return {name: _plain(site[name]) for name in self.fields}
        return {
            name: _plain(getattr(site, "muscle_id" if name == "muscle" else name))
            for name in self.fields
        }


def _plain(value):
    return f"{value:f}" if isinstance(value, Decimal) else value


def _range_field(field: str, decimals: int | None = None):
    low, high = STIMULATION_RANGES[field]
    if decimals is None:
        # A range without decimals is whole numbers (pulse width, duration).
        return serializers.IntegerField(min_value=int(low), max_value=int(high))
    return serializers.DecimalField(
        max_digits=4 + decimals,
        decimal_places=decimals,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
    )


class ElectricalSerializer(WholeItem):
    site_indexes = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        min_length=2,
        max_length=2,
        help_text="The two sites (indexes into `sites`) the current runs between",
    )
    frequency_hz = _range_field("frequency_hz", 1)
    pulse_width_us = _range_field("pulse_width_us")
    intensity_ma = _range_field("intensity_ma", 1)
    waveform = serializers.ChoiceField(choices=Waveform.choices)
    duration_minutes = _range_field("duration_minutes")

    def to_representation(self, block):
        if isinstance(block, Mapping):  # a row of the list, its site_indexes attached
            return super().to_representation(block)
        return super().to_representation(
            {
                **{f: getattr(block, f) for f in self.fields if f != "site_indexes"},
                "site_indexes": [block.site_a.position, block.site_b.position],
            }
        )


class AddendumSerializer(RowRepresentation, serializers.ModelSerializer):
    class Meta:
        model = Addendum
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {"text": {"max_length": 5000}}


class WarningSerializer(serializers.Serializer):
    """A session's warning (sessions.records.rules.SessionWarning), as the schema shows it."""

    code = serializers.CharField()
    message = serializers.CharField()


class SessionSerializer(RowRepresentation, serializers.ModelSerializer):
    patient = ClinicObjectField(queryset=Patient.objects.all())
    therapist = ClinicObjectField(
        queryset=Staff.objects.all(), required=False, help_text="Defaults to the caller"
    )
    appointment = ClinicObjectField(
        queryset=Appointment.objects.all(),
        required=False,
        allow_null=True,
        help_text="The appointment this session took place in; it is marked completed",
    )
    course = ClinicObjectField(
        queryset=TreatmentCourse.objects.all(), required=False, allow_null=True
    )
    started_at = MomentField()
    ended_at = MomentField(required=False, allow_null=True)
    pain_before = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    pain_after = serializers.IntegerField(
        min_value=0, max_value=10, required=False, allow_null=True
    )
    precautions_acknowledged = serializers.ListField(
        child=serializers.ChoiceField(choices=Precaution.choices),
        default=list,
        help_text="Every precaution of the patient's screening must be acknowledged",
    )
    notes = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    needles_removed = serializers.IntegerField(
        min_value=0,
        max_value=MOST_NEEDLES,
        required=False,
        allow_null=True,
        help_text="Needles counted out; must equal the needles inserted to sign",
    )
    recorded_at = serializers.DateTimeField(read_only=True)
    # many=True hands min_length/max_length to DRF's ListSerializer; the stubs type the call as
    # the child serializer's, which does not take them.
    sites = SiteSerializer(many=True, min_length=1, max_length=MOST_SITES)  # type: ignore[call-arg]
    electrical = ElectricalSerializer(many=True, required=False, max_length=MOST_PAIRS)  # type: ignore[call-arg]
    warnings = serializers.SerializerMethodField()
    addenda = AddendumSerializer(many=True, read_only=True)

    class Meta:
        model = NeedlingSession
        fields = [
            "id",
            "patient",
            "therapist",
            "appointment",
            "course",
            "started_at",
            "ended_at",
            "pain_before",
            "pain_after",
            "precautions_acknowledged",
            "heat_advised",
            "notes",
            "needle_lot",
            "needle_expiry",
            "needles_removed",
            "sites",
            "electrical",
            "status",
            "signed_at",
            "signed_by",
            "screening",
            "warnings",
            "addenda",
            "recorded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "signed_at", "signed_by", "screening"]

    @extend_schema_field(WarningSerializer(many=True))  # their shape, in the OpenAPI document
    def get_warnings(self, session) -> list[dict]:
        return [warning.__dict__ for warning in warnings_of(session)]


class SideEffectSerializer(serializers.ModelSerializer):
    session = ClinicObjectField(queryset=NeedlingSession.objects.all())
    onset_at = MomentField(required=False, allow_null=True)
    resolved_at = MomentField(required=False, allow_null=True)

    class Meta:
        model = SideEffect
        fields = [
            "id",
            "session",
            "patient",
            "kind",
            "severity",
            "onset_at",
            "resolved_at",
            "notes",
            "reported_by",
            "serious",
            "created_at",
        ]
        read_only_fields = ["patient", "serious"]
        extra_kwargs = {
            "notes": {"max_length": 5000},
            # A patient's report taken down by the clinic (by phone, at the desk) says so.
            "reported_by": {"default": Reporter.THERAPIST},
        }
