import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from aftercare import message_texts, outbox, selectors, waitlist
from aftercare.models import (
    PATIENT_KINDS,
    InboundSms,
    Kind,
    MessageText,
    Notification,
    ReplyAction,
    WaitlistEntry,
    WaitlistStatus,
)
from aftercare.serializers import (
    InboundSmsSerializer,
    LanguageQuerySerializer,
    MessageTextSerializer,
    NotificationSerializer,
    OwnTextSerializer,
    WaitlistEntrySerializer,
)
from aftercare.texts import LANGUAGES
from httpapi.permissions import IsClinicAdminOrReadOnly
from httpapi.schema import conflict
from httpapi.scoping import ClinicViewSet

TEXT_IN_PATH = [
    OpenApiParameter("language", str, OpenApiParameter.PATH, enum=LANGUAGES),
    OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=PATIENT_KINDS),
]


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
        cancelled = outbox.cancel_message(self.get_object(), by=request.user)
        return Response(self.get_serializer(cancelled).data)


class MessageTextViewSet(ClinicViewSet):
    """The words of each patient message per language: the clinic's own, or the built-in ones.
    Staff read; the clinic's administrators change them."""

    queryset = MessageText.objects.all()
    serializer_class = MessageTextSerializer
    permission_classes = [IsClinicAdminOrReadOnly]
    pagination_class = None

    def get_object(self) -> MessageText:
        """The clinic's own text the URL names (what OPTIONS describes)."""
        language, kind = self.kwargs["language"], self.kwargs["kind"]
        _known(language, kind)
        return get_object_or_404(self.get_queryset(), language=language, kind=kind)

    @extend_schema(parameters=[LanguageQuerySerializer], responses=MessageTextSerializer(many=True))
    def list(self, request):
        query = LanguageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = message_texts.texts_in(request.user.clinic_id, query.validated_data["language"])
        return Response(MessageTextSerializer(found, many=True).data)

    @extend_schema(
        parameters=TEXT_IN_PATH, request=OwnTextSerializer, responses=MessageTextSerializer
    )
    def update(self, request, language: str, kind: str):
        _known(language, kind)
        own = OwnTextSerializer(data=request.data)
        own.is_valid(raise_exception=True)
        text = message_texts.set_own_text(
            clinic_id=request.user.clinic_id, language=language, kind=kind, **own.validated_data
        )
        return Response(MessageTextSerializer(text).data)

    @extend_schema(parameters=TEXT_IN_PATH, responses={204: None})
    def destroy(self, request, language: str, kind: str):
        _known(language, kind)
        message_texts.use_default_text(
            clinic_id=request.user.clinic_id, language=language, kind=kind
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _known(language: str, kind: str) -> None:
    if not message_texts.may_have_own_text(language, kind):
        raise NotFound()


class InboundSmsFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=ReplyAction.choices)

    class Meta:
        model = InboundSms
        fields = ["patient", "action"]


class InboundSmsViewSet(mixins.ListModelMixin, ClinicViewSet):
    """Every SMS the clinic's patients sent, newest first, and what each one did."""

    queryset = selectors.inbound_sms()
    serializer_class = InboundSmsSerializer
    filterset_class = InboundSmsFilter
    cursor_ordering = ("-received_at", "-id")


class WaitlistFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WaitlistStatus.choices)

    class Meta:
        model = WaitlistEntry
        fields = ["patient", "therapist", "status"]


@extend_schema_view(
    create=extend_schema(
        responses={201: WaitlistEntrySerializer, 409: conflict("clinical_hold", "invalid_state")}
    )
)
class WaitlistViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ClinicViewSet):
    """Patients who would take an earlier slot; a cancelled appointment is offered to them."""

    queryset = WaitlistEntry.objects.order_by("created_at")
    serializer_class = WaitlistEntrySerializer
    filterset_class = WaitlistFilter

    def perform_create(self, serializer):
        serializer.instance = waitlist.add_entry(
            clinic=self.request.user.clinic,
            therapist=serializer.validated_data.pop("therapist", None),
            **serializer.validated_data,
        )
