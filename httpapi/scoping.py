"""Per-clinic scoping: every query of every API view sees only the caller's clinic.

An object of another clinic is therefore simply not found (404), never forbidden (403).
The same holds for every list of choices a page offers (filter forms, related-object pickers
in the browsable API and the admin): `scoped_to_clinic` is the one rule they all apply.
Every API view also records in the audit trail the patient data it serves and names the
writer of what it changes.
"""

from uuid import UUID

from rest_framework import serializers, viewsets
from rest_framework.permissions import SAFE_METHODS

from audit import trail
from httpapi.clinic_scope import scoped_to_clinic, with_scoped_prefetches
from httpapi.idempotency import IdempotentPostMixin
from httpapi.typing import ViewMixinBase


def scope_related_fields(
    serializer: serializers.BaseSerializer, clinic_id: UUID | str | None
) -> None:
    """Limit every related field of `serializer`, nested ones included, to the clinic."""
    serializer = getattr(serializer, "child", serializer)  # many=True wraps the serializer
    if not isinstance(serializer, serializers.Serializer):
        return  # a serializer without declared fields has no related fields either
    for field in serializer.fields.values():
        if field.read_only:
            continue  # takes no input, offers no choices (and a nested one is not built)
        field = getattr(field, "child_relation", getattr(field, "child", field))  # and fields
        if isinstance(field, serializers.BaseSerializer):
            scope_related_fields(field, clinic_id)
        elif isinstance(field, ClinicObjectField):
            continue  # scopes its own choices, when asked for them: none asked, none built
        elif isinstance(field, serializers.RelatedField):
            # The stubs declare `queryset` as possibly a Manager, so mypy reads and writes it
            # through Manager.__get__ as a class attribute; it is a plain instance attribute.
            choices = field.queryset  # type: ignore[arg-type]
            if choices is not None:
                field.queryset = scoped_to_clinic(choices.all(), clinic_id)  # type: ignore[arg-type]


class ClinicScopedMixin(ViewMixinBase):
    """Views over models with a `clinic` foreign key: their rows, and every choice their
    forms offer, belong to the caller's clinic."""

    def get_queryset(self):
        clinic_id = self.request.user.clinic_id
        return with_scoped_prefetches(super().get_queryset().filter(clinic_id=clinic_id), clinic_id)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        # getattr: the schema generator asks for serializers without a signed-in user.
        scope_related_fields(serializer, getattr(self.request.user, "clinic_id", None))
        return serializer


class AuditedMixin(ViewMixinBase):
    """Reads of patient data go to the audit trail, one INSERT per response; writes are
    attributed to the caller, for the triggers that record them."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        trail.attribute_staff_writes(request)

    def record_reads(self, records) -> None:
        trail.record_reads(self.request, trail.staff(self.request.user), records)

    def rows_read(self, model, rows):
        """A block within which rows read as dicts are recorded (audit.trail.rows_read)."""
        return trail.rows_read(self.request, trail.staff(self.request.user), model, rows)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.record_reads(page or [])  # a page of rows records itself (httpapi.rows)
        return page

    def get_object(self):
        record = super().get_object()
        if self.request.method in SAFE_METHODS:
            self.record_reads([record])
        return record


class ClinicViewSet(IdempotentPostMixin, AuditedMixin, ClinicScopedMixin, viewsets.GenericViewSet):
    """The base of every API viewset: scoped to the caller's clinic, audited, idempotent POST."""


class ClinicObjectField(serializers.PrimaryKeyRelatedField):
    """A reference to another object of the caller's clinic; others do not exist."""

    def get_queryset(self):
        request = self.context["request"]
        return scoped_to_clinic(super().get_queryset(), request.user.clinic_id)
