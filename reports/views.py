from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from clinic.permissions import IsClinicAdmin
from clinic.tenancy import ClinicViewSet
from reports.adverse_events import Window, adverse_event_report
from reports.serializers import AdverseEventReportSerializer, WindowSerializer
from sessions.models import NeedlingSession


def window_of(request) -> Window:
    asked = WindowSerializer(data=request.query_params)
    asked.is_valid(raise_exception=True)
    return Window(**asked.validated_data)


class AdverseEventReportViewSet(ClinicViewSet):
    """Side-effect rates per session with Wilson 95% intervals, the published rates, and each
    therapist against the clinic. Administrators only: it compares colleagues."""

    queryset = NeedlingSession.objects.all()
    permission_classes = [IsClinicAdmin]

    @extend_schema(parameters=[WindowSerializer], responses=AdverseEventReportSerializer)
    def list(self, request):
        report = adverse_event_report(self.get_queryset(), window_of(request))
        return Response(AdverseEventReportSerializer(report).data)
