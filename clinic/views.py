from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import access, holds, services
from clinic.filters import PatientFilter
from clinic.models import Patient, Room, Staff
from clinic.serializers import (
    ClinicSerializer,
    IssuedTokenSerializer,
    MeSerializer,
    PatientSerializer,
    ReleaseHoldSerializer,
    RoomSerializer,
    TherapistSerializer,
)
from httpapi.parsers import ClinicJSONParser
from httpapi.permissions import IsClinicAdminOrReadOnly
from httpapi.schema import conflict
from httpapi.scoping import ClinicViewSet
from httpapi.throttling import AccountThrottle, TokenThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token, good for TOKEN_TTL_HOURS; a few tries
    a minute per address, and none for an account closed by failed sign-ins. An inactive
    person gets none."""

    throttle_classes = [TokenThrottle, AccountThrottle]
    # JSON only, through the API's parser, which refuses deep nesting (ObtainAuthToken adds forms).
    parser_classes = [ClinicJSONParser]

    @extend_schema(request=AuthTokenSerializer, responses={200: IssuedTokenSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        staff = serializer.validated_data["user"]
        token = access.issue_token(staff)
        # As a session login does: Django notes `last_login`, the security log the sign-in.
        user_logged_in.send(sender=type(staff), request=request, user=staff)
        body = {"token": token.key, "expires_at": access.token_expires_at(token)}
        return Response(IssuedTokenSerializer(body).data)


class LogoutView(APIView):
    """Sign out: the token used is revoked (a browser's login session ends instead)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, Token):
            access.revoke_token(request.auth)
            user_logged_out.send(sender=type(request.user), request=request, user=request.user)
        else:
            logout(request._request)  # announces user_logged_out itself
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveAPIView):
    """The signed-in staff member and their clinic."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class ClinicView(generics.RetrieveUpdateAPIView):
    """The caller's own clinic; administrators may change it."""

    serializer_class = ClinicSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user.clinic

    def perform_update(self, serializer):
        serializer.instance = services.update_clinic(
            serializer.instance, **serializer.validated_data
        )


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
            serializer.instance, by=self.request.user, **serializer.validated_data
        )


class RoomViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, ClinicViewSet
):
    queryset = Room.objects.all()
    serializer_class = RoomSerializer
    permission_classes = [IsClinicAdminOrReadOnly]

    def perform_create(self, serializer):
        serializer.instance = services.add_room(
            clinic=self.request.user.clinic, **serializer.validated_data
        )


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
        # `?archived=` given empty asks for nothing either (the filter reads it as not given).
        if self.action == "list" and not self.request.query_params.get("archived"):
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
