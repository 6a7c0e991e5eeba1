import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from aftercare.models import PATIENT_KINDS, Notification, Status
from aftercare.serializers import NotificationSerializer
from core.errors import Conflict
from httpapi.schema import conflict
from httpapi.scoping import ClinicViewSet


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[(kind, kind) for kind in PATIENT_KINDS])

    class Meta:
        model = Notification
        fields = ["patient", "session", "appointment", "kind", "status"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """Every aftercare message planned for a patient, and what became of it."""

    queryset = Notification.objects.filter(kind__in=PATIENT_KINDS)
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    @extend_schema(
        request=None, responses={200: NotificationSerializer, 409: conflict("invalid_state")}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        cancelled = Notification.objects.filter(
            pk=self.get_object().pk, status__in=[Status.PENDING, Status.SUPPRESSED]
        ).update(status=Status.CANCELLED, updated_at=timezone.now())
        if not cancelled:
            raise Conflict("invalid_state", "Only a message still waiting to go can be cancelled.")
        return Response(self.get_serializer(self.get_object()).data)
