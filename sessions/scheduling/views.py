import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import trail
from clinic import services as clinic_services
from clinic.models import Staff
from httpapi.filters import MomentFilter
from httpapi.rows import RowListMixin
from httpapi.schema import conflict
from httpapi.scoping import ClinicViewSet
from sessions.models import Appointment, TreatmentCourse
from sessions.models.scheduling import LIVE
from sessions.records.selectors import with_sessions_done
from sessions.scheduling import services
from sessions.scheduling.ical import appointments_calendar
from sessions.scheduling.serializers import (
    AppointmentSerializer,
    CalendarUrlSerializer,
    CancelSerializer,
    CourseSerializer,
    FreeSlotsQuerySerializer,
    RescheduleSerializer,
    SlotSerializer,
)


class AppointmentFilter(django_filters.FilterSet):
    start = MomentFilter(
        field_name="starts_at", lookup_expr="gte", help_text="Starting at or after"
    )
    end = MomentFilter(field_name="starts_at", lookup_expr="lt", help_text="Starting before")

    class Meta:
        model = Appointment
        fields = ["therapist", "patient", "status", "start", "end"]


@extend_schema_view(
    create=extend_schema(
        responses={
            201: AppointmentSerializer,
            409: conflict("double_booked", "clinical_hold", "invalid_state"),
        }
    )
)
class AppointmentViewSet(
    RowListMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    ClinicViewSet,
):
    """Appointments; no therapist, room or patient is ever double-booked. The list is read as
    rows (httpapi.rows)."""

    queryset = Appointment.objects.all()
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilter
    cursor_ordering = ("starts_at", "id")
    row_fields = ("clinic", *AppointmentSerializer.Meta.fields)

    def perform_create(self, serializer):
        serializer.instance = services.book_appointment(
            clinic=self.request.user.clinic, **serializer.validated_data
        )

    def _act(self, serializer_class, service):
        appointment = self.get_object()
        arguments = serializer_class(data=self.request.data)
        arguments.is_valid(raise_exception=True)
        service(appointment, **arguments.validated_data)
        return Response(
            AppointmentSerializer(appointment, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=CancelSerializer,
        responses={200: AppointmentSerializer, 409: conflict("invalid_state")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(CancelSerializer, services.cancel_appointment)

    @extend_schema(
        request=None, responses={200: AppointmentSerializer, 409: conflict("invalid_state")}
    )
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        appointment = self.get_object()
        services.mark_no_show(appointment)
        return Response(self.get_serializer(appointment).data)

    @extend_schema(
        request=RescheduleSerializer,
        responses={
            200: AppointmentSerializer,
            409: conflict("double_booked", "clinical_hold", "invalid_state"),
        },
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        return self._act(RescheduleSerializer, services.reschedule_appointment)


class CourseFilter(django_filters.FilterSet):
    class Meta:
        model = TreatmentCourse
        fields = ["patient", "therapist", "status"]


@extend_schema_view(
    create=extend_schema(
        responses={
            201: CourseSerializer,
            409: conflict("no_availability", "double_booked", "clinical_hold", "invalid_state"),
        }
    )
)
class CourseViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, ClinicViewSet
):
    """Treatment courses: 5 sessions 2-7 days apart by default, booked in one request."""

    queryset = with_sessions_done(TreatmentCourse.objects.all()).prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.order_by("starts_at"))
    )
    serializer_class = CourseSerializer
    filterset_class = CourseFilter

    def perform_create(self, serializer):
        course = services.create_course(
            clinic=self.request.user.clinic, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=course.pk)

    @extend_schema(request=None, responses={200: CourseSerializer, 409: conflict("invalid_state")})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        services.cancel_course(self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class ICalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class JsonErrors:
    """Errors are JSON with a code, even where the answer would have been a calendar."""

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _feed(therapist: Staff) -> tuple[bytes, list[Appointment]]:
    """The therapist's live appointments in their clinic as an iCalendar feed, and the
    appointments it shows (one moved to another clinic leaves the old one's behind)."""
    live = list(
        therapist.appointments.filter(clinic=therapist.own_clinic, status__in=LIVE)
        .select_related("patient", "room")
        .order_by("starts_at")
    )
    return appointments_calendar(str(therapist), live), live


class TherapistScheduleViewSet(JsonErrors, ClinicViewSet):
    """A therapist's free slots and calendar feed."""

    queryset = Staff.objects.prefetch_related("working_hours").select_related("clinic")

    @extend_schema(parameters=[FreeSlotsQuerySerializer], responses=SlotSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="free-slots", pagination_class=None)
    def free_slots(self, request, pk=None):
        therapist = self.get_object()
        query = FreeSlotsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        free = services.bookable_slots(therapist, request.user.clinic, **query.validated_data)
        return Response(
            SlotSerializer([{"starts_at": s, "ends_at": e} for s, e in free], many=True).data
        )

    @extend_schema(responses={(200, "text/calendar"): str})
    def calendar(self, request, pk=None):
        """The therapist's live appointments as an iCalendar feed (routed in urls.py)."""
        feed, live = _feed(self.get_object())
        self.record_reads(live)
        return Response(feed, status=status.HTTP_200_OK, content_type="text/calendar")

    @extend_schema(request=None, responses={200: CalendarUrlSerializer})
    @action(
        detail=True,
        methods=["get"],
        url_path="calendar-url",
        pagination_class=None,
        serializer_class=CalendarUrlSerializer,
    )
    def calendar_url(self, request, pk=None):
        """The address of the therapist's feed that calendar apps subscribe to without headers."""
        return self._calendar_url(rotate=False)

    @extend_schema(request=None, responses={200: CalendarUrlSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="calendar-url/rotate",
        serializer_class=CalendarUrlSerializer,
    )
    def rotate_calendar_url(self, request, pk=None):
        """A new address; the old one is then not found."""
        return self._calendar_url(rotate=True)

    def _calendar_url(self, *, rotate):
        secret = clinic_services.calendar_secret(
            self.get_object(), by=self.request.user, rotate=rotate
        )
        address = reverse("calendar-feed", kwargs={"secret": secret})
        return Response({"url": self.request.build_absolute_uri(address)})


class CalendarFeedView(JsonErrors, APIView):
    """A therapist's feed at its secret address (calendar-url): no headers, no sign-in. Its
    reads are recorded as the therapist's, whose calendar app asks."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [ICalendarRenderer]

    @extend_schema(responses={(200, "text/calendar"): str})
    def get(self, request, secret: str):
        therapist = (
            Staff.objects.filter(calendar_secret=secret, is_active=True, clinic__isnull=False)
            .select_related("clinic")
            .first()
        )
        if therapist is None:
            raise NotFound()
        feed, live = _feed(therapist)
        trail.record_reads(request, trail.staff(therapist), live)
        return Response(feed, content_type="text/calendar")
