from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from clinic.models import Patient
from httpapi.permissions import IsClinicAdmin
from httpapi.schema import conflict
from httpapi.scoping import ClinicViewSet
from reports.adverse_events import adverse_event_report
from reports.export import sessions_csv
from reports.fhir import bundle
from reports.note import session_note_pdf
from reports.patient_record import patient_record
from reports.serializers import AdverseEventReportSerializer, WindowSerializer
from reports.window import Window, in_window
from sessions.models import Addendum, ElectricalStimulation, NeedlingSession


class OneShape(BaseContentNegotiation):
    """A file answer (a PDF, a CSV, a FHIR bundle) has one shape whatever the client accepts,
    and its errors are JSON: a client asking for `application/pdf` gets it, not a 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


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
    def report(self, request):
        report = adverse_event_report(self.get_queryset(), window_of(request))
        return Response(AdverseEventReportSerializer(report).data)


class SessionExportViewSet(ClinicViewSet):
    """Every needled site of the sessions started in the window, one CSV row each, streamed.
    Administrators only: it is the whole clinic's clinical record at once."""

    content_negotiation_class = OneShape
    queryset = NeedlingSession.objects.all()
    permission_classes = [IsClinicAdmin]

    @extend_schema(
        parameters=[WindowSerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def export(self, request):
        sessions = in_window(self.get_queryset(), window_of(request))
        rows = sessions_csv(
            sessions,
            request.user.clinic_id,
            lambda shown: self.rows_read(NeedlingSession, shown),
        )
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sessions.csv"'
        return response


class PatientFhirViewSet(ClinicViewSet):
    """A patient's whole record as a FHIR R4 Bundle (type `collection`)."""

    content_negotiation_class = OneShape
    queryset = Patient.objects.select_related("clinic")

    @extend_schema(responses={(200, "application/fhir+json"): OpenApiResponse(OpenApiTypes.OBJECT)})
    def retrieve(self, request, pk=None):
        record = patient_record(self.get_object())
        self.record_reads(record.clinical_records())
        return Response(bundle(record, timezone.now()), content_type="application/fhir+json")


class SessionNoteViewSet(ClinicViewSet):
    """The signed session note as PDF."""

    content_negotiation_class = OneShape
    # The people as the record keeps them (signed_by_name, author_name...): no join to staff.
    queryset = NeedlingSession.objects.select_related(
        "clinic", "patient", "screening"
    ).prefetch_related(
        "sites",
        "side_effects",
        Prefetch(
            "electrical", queryset=ElectricalStimulation.objects.select_related("site_a", "site_b")
        ),
        Prefetch("addenda", queryset=Addendum.objects.order_by("created_at")),
    )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            409: conflict("invalid_state"),
        }
    )
    def retrieve(self, request, pk=None):
        session = self.get_object()
        pdf = session_note_pdf(session)
        self.record_reads(session.side_effects.all())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="session-{session.pk}.pdf"'
        return response
