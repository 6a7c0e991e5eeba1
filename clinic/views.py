from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from clinic import services
from clinic.filters import PatientFilter
from clinic.models import Patient, Room, Staff
from clinic.parsers import ClinicJSONParser
from clinic.permissions import IsClinicAdminOrReadOnly
from clinic.schema import conflict
from clinic.serializers import (
    ClinicSerializer,
    PatientSerializer,
    RoomSerializer,
    TherapistSerializer,
)
from clinic.tenancy import ClinicViewSet
from clinic.throttling import TokenThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token; a few tries a minute per address."""

    throttle_classes = [TokenThrottle]
    # DRF's view names its own parsers; JSON goes through the API's, which refuses deep nesting.
    parser_classes = (FormParser, MultiPartParser, ClinicJSONParser)


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
    """Patients: every staff member reads them, administrators register and change them."""

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
