"""List pages read as plain rows: `values()` dicts, never model instances.

A page of 200 sessions spent more time building model instances than the database spent
finding them (docs/performance.md). A view that lists rows names the columns a row holds
and attaches what else it needs (children, computed fields) to each row; its serializer
renders a row with the fields' own `to_representation`, so a row and an instance render to
the same bytes.
"""

from collections.abc import Mapping
from typing import Any, cast

from rest_framework import serializers
from rest_framework.fields import SerializerMethodField

from httpapi.typing import ViewMixinBase


class RowRepresentation(serializers.Serializer):
    """Renders an instance as DRF does, and a row (a dict) field by field from its keys:
    a related field's key holds the id, a method field's key its value already computed."""

    def to_representation(self, instance):
        if not isinstance(instance, Mapping):
            return super().to_representation(instance)
        return {name: render(instance[name]) for name, render in self._row_renderers()}

    def _row_renderers(self) -> list[tuple[str, Any]]:
        renderers = getattr(self, "_renderers", None)
        if renderers is None:
            # A readable field is bound, so it has its name; the stubs allow None before binding.
            renderers = self._renderers = [
                (cast(str, field.field_name), _renderer(field)) for field in self._readable_fields
            ]
        return renderers


def _renderer(field):
    if isinstance(field, serializers.RelatedField | SerializerMethodField):
        return _as_is
    if isinstance(field, serializers.BaseSerializer):
        return field.to_representation
    if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
        # The request's time zone, looked up once for the page rather than once per value.
        field.timezone = field.default_timezone()

    def render(value):
        return None if value is None else field.to_representation(value)

    return render


def _as_is(value):
    return value


class RowListMixin(ViewMixinBase):
    """`list` over rows: a page of the filtered queryset's `row_fields` (the cursor ordering's
    among them) and `row_expressions`, then `attach_to_rows` completes each row."""

    row_fields: tuple[str, ...] = ()
    row_expressions: dict[str, Any] = {}

    def attach_to_rows(self, rows: list[dict]) -> None:
        """Add children and computed values to a page of rows (a query each, not one per row)."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset().prefetch_related(None))
        page = self.paginate_queryset(queryset.values(*self.row_fields, **self.row_expressions))
        self.attach_to_rows(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
