import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from httpapi.filters import MomentFilter, StrictBooleanFilter
from httpapi.rows import RowListMixin
from httpapi.schema import conflict
from httpapi.scoping import ClinicViewSet
from sessions.models import Addendum, ElectricalStimulation, NeedlingSession, SideEffect
from sessions.records import list_rows, services
from sessions.records.serializers import (
    AddendumSerializer,
    SessionSerializer,
    SideEffectSerializer,
)


class SessionFilter(django_filters.FilterSet):
    since = MomentFilter(
        field_name="started_at", lookup_expr="gte", help_text="Started at or after"
    )

    class Meta:
        model = NeedlingSession
        fields = ["patient", "therapist", "course", "since", "needle_lot"]


@extend_schema_view(
    create=extend_schema(
        responses={201: SessionSerializer, 409: conflict("clinical_hold", "invalid_state")}
    ),
    partial_update=extend_schema(
        # A draft moved in time is checked as a new session: its patient must be open for care.
        responses={
            200: SessionSerializer,
            409: conflict("session_signed", "clinical_hold", "invalid_state"),
        }
    ),
    destroy=extend_schema(responses={204: None, 409: conflict("session_signed")}),
)
class SessionViewSet(
    RowListMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ClinicViewSet,
):
    """Needling sessions: drafts may be corrected, signed sessions only annotated.

    The list is read as rows (list_rows); one session is read as an instance."""

    queryset = NeedlingSession.objects.select_related("patient").prefetch_related(
        "sites",
        "patient__screenings",  # for the superseded_screening warning
        Prefetch(
            "electrical", queryset=ElectricalStimulation.objects.select_related("site_a", "site_b")
        ),
        Prefetch("addenda", queryset=Addendum.objects.order_by("created_at")),
    )
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    cursor_ordering = ("-started_at", "-id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    row_fields = list_rows.SESSION_FIELDS
    row_expressions = list_rows.SESSION_EXPRESSIONS

    def attach_to_rows(self, rows):
        list_rows.attach_parts(rows, self.request.user.clinic_id)

    def get_object(self):
        """The session a request names. A correction of a signed one is refused here, before
        its body is read: no body corrects it, so even a bad field is 409 session_signed."""
        session = super().get_object()
        if self.action in ("update", "partial_update"):
            services.check_draft(session)  # correct_session asks again, on the locked row
        return session

    def perform_create(self, serializer):
        # The new session as written, its parts at hand (log_session): not read back.
        serializer.instance = services.log_session(
            clinic=self.request.user.clinic, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        session = services.correct_session(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=session.pk)

    def perform_destroy(self, instance):
        services.delete_draft(instance, actor=self.request.user)

    @extend_schema(
        request=None,
        responses={
            200: SessionSerializer,
            409: conflict("invalid_state", "needle_count_mismatch"),
        },
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        services.sign_session(self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=AddendumSerializer, responses={201: AddendumSerializer})
    @action(detail=True, methods=["post"])
    def addenda(self, request, pk=None):
        session = self.get_object()
        note = AddendumSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        addendum = services.add_addendum(session, author=request.user, **note.validated_data)
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)


class SideEffectFilter(django_filters.FilterSet):
    serious = StrictBooleanFilter(help_text="true: serious side effects only; false: the others")

    class Meta:
        model = SideEffect
        fields = ["session", "patient", "serious"]


class SideEffectViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, ClinicViewSet
):
    """Side effects after needling; `serious` ones alert the clinic's administrators."""

    queryset = SideEffect.objects.all()
    serializer_class = SideEffectSerializer
    filterset_class = SideEffectFilter

    def perform_create(self, serializer):
        serializer.instance = services.report_side_effect(**serializer.validated_data)
