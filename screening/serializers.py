from rest_framework import serializers

from clinic.models import Patient
from httpapi.fields import MomentField
from httpapi.scoping import ClinicObjectField
from screening.models import Muscle, Screening
from screening.vocabulary import ExclusionSide, Region, Technique


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know: a misspelt answer must not pass as 'no'."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(dict.fromkeys(unknown, "Unknown field."))
        return super().to_internal_value(data)


class SiteRefSerializer(StrictSerializer):
    region = serializers.ChoiceField(choices=Region.choices)
    side = serializers.ChoiceField(choices=ExclusionSide.choices)


def _yes(help_text: str, default: bool = False) -> serializers.BooleanField:
    return serializers.BooleanField(default=default, help_text=help_text)


def _regions(help_text: str) -> SiteRefSerializer:
    return SiteRefSerializer(many=True, default=list, help_text=help_text)


class AnswersSerializer(StrictSerializer):
    needle_phobia = _yes("Fear of needles. Absolute: not cleared.")
    understands_procedure = _yes(
        "The patient understands the treatment. If not: absolute, not cleared.", default=True
    )
    willing = _yes("The patient is willing to be needled. If not: absolute, not cleared.", True)
    acute_medical_condition = _yes("An acute medical condition or emergency. Absolute.")
    active_blood_infection = _yes("A blood-borne infection that has not subsided. Absolute.")
    lymphedema_regions = _regions(
        "Regions with lymphedema (infection risk): never needled; a part of a limb excludes "
        "the whole limb on that side."
    )
    implanted_device_regions = _regions(
        "Regions over an implanted device such as a pacemaker: never needled, and no "
        "electrical stimulation anywhere."
    )
    local_infection_regions = _regions("Regions with a local skin infection: never needled.")
    pregnancy_trimester = serializers.ChoiceField(
        choices=[1, 2, 3],
        allow_null=True,
        default=None,
        help_text="Pregnancy trimester, or null. Any trimester excludes abdomen, lumbar, "
        "pelvis/gluteal and the iliopsoas, and the screening is valid 28 days; the first and "
        "third add the precaution 'pregnancy'.",
    )
    diabetes = _yes("Diabetes. Relative: precaution to acknowledge at every session.")
    bleeding_disorder = _yes("Abnormal bleeding tendency, clotting disorder or haemophilia.")
    anticoagulants = _yes("Takes anticoagulant or antithrombotic drugs.")
    immunocompromised = _yes("Immunocompromised.")
    metal_allergy = _yes("Allergy to metal (nickel) in needles.")
    vascular_disease = _yes("Vascular disease.")
    epilepsy = _yes("Epilepsy.")


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["absolute", "relative"])
    message = serializers.CharField()


class ScreeningSerializer(serializers.ModelSerializer):
    patient = ClinicObjectField(queryset=Patient.objects.all())
    answers = AnswersSerializer(
        default=dict, help_text="The screening questions; anything left out is 'no'."
    )
    consent_given = serializers.BooleanField(
        help_text="The patient consented after reading the consent text; false is refused."
    )
    performed_at = MomentField(
        required=False,
        help_text="When the screening took place (default now); at most 7 days ago, not in "
        "the future: a screening done on paper is entered later.",
    )
    recorded_at = serializers.DateTimeField(
        source="created_at", read_only=True, help_text="When it was entered here."
    )
    guardian_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The parent or legal guardian consenting for a patient under 18.",
    )
    guardian_consent = serializers.BooleanField(
        required=False, help_text="The guardian consented; required for a patient under 18."
    )
    findings = FindingSerializer(many=True, read_only=True)
    excluded_regions = SiteRefSerializer(
        many=True, read_only=True, help_text="Regions that may not be needled, with their side."
    )
    excluded_muscles = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Muscle codes that may not be needled on either side, whatever their region "
        "(e.g. iliopsoas in pregnancy).",
    )
    excluded_techniques = serializers.ListField(
        child=serializers.ChoiceField(choices=Technique.choices),
        read_only=True,
        help_text="Techniques that may not be used anywhere on this patient.",
    )
    precautions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Precaution codes every session must acknowledge.",
    )

    class Meta:
        model = Screening
        fields = [
            "id",
            "patient",
            "consent_given",
            "guardian_name",
            "guardian_consent",
            "answers",
            "performed_by",
            "performed_at",
            "recorded_at",
            "consent_text_version",
            "outcome",
            "findings",
            "excluded_regions",
            "excluded_muscles",
            "excluded_techniques",
            "precautions",
            "valid_until",
        ]
        read_only_fields = [
            "performed_by",
            "consent_text_version",
            "outcome",
            "valid_until",
        ]
        extra_kwargs = {
            "valid_until": {
                "help_text": "90 days after the screening (28 for a pregnant patient); screen "
                "again after it."
            },
            "outcome": {"help_text": "cleared, cleared_with_precautions or not_cleared"},
        }


class MuscleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Muscle
        fields = ["code", "name", "region", "lateral", "risk_note"]
