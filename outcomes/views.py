import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from httpapi.scoping import ClinicViewSet
from outcomes import selectors, services
from outcomes.models import OutcomeMeasure
from outcomes.serializers import CourseOutcomesSerializer, OutcomeMeasureSerializer
from sessions.models import TreatmentCourse


class OutcomeMeasureFilter(django_filters.FilterSet):
    class Meta:
        model = OutcomeMeasure
        fields = ["patient", "course", "instrument"]


class OutcomeMeasureViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, ClinicViewSet
):
    """Pain (NPRS) and function (PSFS) ratings; never edited, a new rating is a new row."""

    queryset = OutcomeMeasure.objects.all()
    serializer_class = OutcomeMeasureSerializer
    filterset_class = OutcomeMeasureFilter
    cursor_ordering = ("-recorded_at", "-id")

    def perform_create(self, serializer):
        serializer.instance = services.record_outcome(
            clinic=self.request.user.clinic,
            recorded_by=self.request.user,
            **serializer.validated_data,
        )


class CourseOutcomesViewSet(ClinicViewSet):
    """A course's change per instrument: baseline, latest, change and the MCID."""

    queryset = TreatmentCourse.objects.all()

    @extend_schema(responses=CourseOutcomesSerializer)
    def retrieve(self, request, pk=None):
        course = self.get_object()
        measures = selectors.course_measures(course)
        self.record_reads(measures)
        changes = selectors.course_changes(measures)
        body = {"course": course.pk, **{name: vars(change) for name, change in changes.items()}}
        return Response(CourseOutcomesSerializer(body).data)
