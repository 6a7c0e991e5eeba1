import django_filters
from rest_framework import mixins, viewsets

from httpapi.scoping import ClinicViewSet
from screening import services
from screening.models import Muscle, Screening
from screening.serializers import MuscleSerializer, ScreeningSerializer


class ScreeningFilter(django_filters.FilterSet):
    class Meta:
        model = Screening
        fields = ["patient"]


class ScreeningViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, ClinicViewSet
):
    """Contraindication screenings. Never edited: a new screening supersedes the last."""

    queryset = Screening.objects.all()
    serializer_class = ScreeningSerializer
    filterset_class = ScreeningFilter

    def perform_create(self, serializer):
        serializer.instance = services.record_screening(
            performed_by=self.request.user, **serializer.validated_data
        )


class MuscleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The muscles a session may name, with their body region and any risk note."""

    lookup_value_regex = "[a-z_]+"  # the vocabulary's codes; nothing else reaches the database
    queryset = Muscle.objects.all()
    serializer_class = MuscleSerializer
    filterset_fields = ["region"]
    cursor_ordering = ("code",)
