import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from aftercare.models import Kind, Notification, Status
from aftercare.serializers import NotificationSerializer
from clinic.errors import Conflict
from clinic.schema import conflict
from clinic.tenancy import ClinicViewSet


class NotificationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=[(kind, kind) for kind in Kind.values])

    class Meta:
        model = Notification
        fields = ["patient", "session", "appointment", "kind", "status"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClinicViewSet):
    """Every message planned for a patient, and what became of it; with the serious side-effect
    alerts sent to the clinic's staff about them (`staff` names whom)."""

    queryset = Notification.objects.all()
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
