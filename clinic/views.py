from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response

from clinic import holds, services
from clinic.filters import PatientFilter
from clinic.models import Patient, Room, Staff
from clinic.permissions import IsClinicAdminOrReadOnly
from clinic.schema import conflict
from clinic.serializers import (
    ClinicSerializer,
    PatientSerializer,
    ReleaseHoldSerializer,
    RoomSerializer,
    TherapistSerializer,
)
from clinic.tenancy import ClinicViewSet
from clinic.throttling import TokenThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token; a few tries a minute per address."""

    throttle_classes = [TokenThrottle]


class ClinicView(generics.RetrieveUpdateAPIView):
    """The caller's own clinic; administrators may change it."""

    serializer_class = ClinicSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user.clinic


class TherapistViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    ClinicViewSet,
):
    """The clinic's staff with their weekly working hours."""

    queryset = Staff.objects.prefetch_related("working_hours")
    serializer_class = TherapistSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["role"]

    def perform_create(self, serializer):
        serializer.instance = services.create_staff(
            clinic=self.request.user.clinic, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_staff(
            serializer.instance, **serializer.validated_data
        )


class RoomViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, ClinicViewSet
):
    queryset = Room.objects.all()
    serializer_class = RoomSerializer
    permission_classes = [IsClinicAdminOrReadOnly]

    def perform_create(self, serializer):
        serializer.save(clinic=self.request.user.clinic)


@extend_schema_view(destroy=extend_schema(responses={204: None, 409: conflict("invalid_state")}))
class PatientViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ClinicViewSet,
):
    """Patients: every staff member reads them, administrators register and change them.

    Lists leave archived patients out unless asked for them (`?archived=true`)."""

    queryset = Patient.objects.all()
    serializer_class = PatientSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    filterset_class = PatientFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.create_patient(
            clinic=self.request.user.clinic, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_patient(
            serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_patient(instance)

    def filter_queryset(self, queryset):
        if self.action == "list" and "archived" not in self.request.query_params:
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)

    @extend_schema(request=None, responses={200: PatientSerializer, 409: conflict("invalid_state")})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Archive a patient: kept on record, gone from lists, pending messages cancelled, no
        new bookings, courses or sessions (409 `invalid_state`)."""
        patient = holds.archive_patient(self.get_object())
        return Response(self.get_serializer(patient).data)

    @extend_schema(
        request=ReleaseHoldSerializer,
        responses={200: PatientSerializer, 409: conflict("invalid_state")},
    )
    @action(detail=True, methods=["post"], url_path="release-hold")
    def release_hold(self, request, pk=None):
        """Release the patient's clinical hold, saying why (admins only; recorded with who
        and when)."""
        patient = self.get_object()
        release = ReleaseHoldSerializer(data=request.data)
        release.is_valid(raise_exception=True)
        holds.release_hold(patient, by=request.user, **release.validated_data)
        return Response(self.get_serializer(patient).data)
