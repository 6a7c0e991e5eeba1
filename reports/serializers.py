from rest_framework import serializers

from httpapi.fields import MomentField
from reports.window import Window


class WindowSerializer(serializers.Serializer):
    """`?since=&until=`: sessions started at or after `since` and before `until`."""

    since = MomentField(required=False, help_text="Sessions started at or after")
    until = MomentField(required=False, help_text="Sessions started before")

    def validate(self, attrs):
        if Window(attrs.get("since"), attrs.get("until")).holds_nothing:
            raise serializers.ValidationError({"until": "Must be after since."})
        return attrs


class FigureSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Sessions with at least one such side effect")
    rate = serializers.FloatField(help_text="count / sessions")
    ci95 = serializers.ListField(
        child=serializers.FloatField(), help_text="Wilson 95% interval [lo, hi]"
    )
    events = serializers.IntegerField(help_text="Side-effect reports, as the studies count")


class PublishedKindSerializer(serializers.Serializer):
    short = serializers.CharField(help_text="The study, as published[].short names it")
    rate = serializers.FloatField(
        allow_null=True, help_text="Its share of treatments with this kind; null if not given"
    )


class KindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    count = serializers.IntegerField(help_text="Sessions with at least one of this kind")
    rate = serializers.FloatField()
    events = serializers.IntegerField()
    published = PublishedKindSerializer(many=True, help_text="Each study's rate of this kind")


class PublishedSerializer(serializers.Serializer):
    # The contract's field name. DRF's metaclass takes declared fields off the class, so this
    # never shadows Field.source at run time; the stubs cannot know that.
    source = serializers.CharField()  # type: ignore[assignment]
    short = serializers.CharField(help_text="The study, shortly (as by_kind names it)")
    sessions = serializers.IntegerField()
    rate = serializers.FloatField(help_text="Mild events per session")
    serious_rate = serializers.FloatField(help_text="Serious events per session")


class TherapistRateSerializer(serializers.Serializer):
    therapist = serializers.UUIDField()
    name = serializers.CharField()
    sessions = serializers.IntegerField()
    mild = serializers.IntegerField()
    rate = serializers.FloatField()
    limits95 = serializers.ListField(
        child=serializers.FloatField(),
        help_text="95% control limits around the clinic's mild rate for this many sessions",
    )
    signal = serializers.ChoiceField(choices=["above", "within", "below"])


class FunnelPointSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    limits95 = serializers.ListField(child=serializers.FloatField())


class AdverseEventReportSerializer(serializers.Serializer):
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)
    sessions = serializers.IntegerField(help_text="Ended sessions started in the window")
    mild = FigureSerializer(help_text="Side effects that are not serious (moderate included)")
    serious = FigureSerializer()
    by_kind = KindSerializer(many=True)
    published = PublishedSerializer(many=True)
    therapists = TherapistRateSerializer(many=True, help_text="Funnel plot of the mild rate")
    funnel = FunnelPointSerializer(
        many=True, help_text="The funnel's 95% limits from 1 to the most sessions of a therapist"
    )
