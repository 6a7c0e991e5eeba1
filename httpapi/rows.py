"""List pages read as plain rows: `values()` dicts, never model instances.

A page of 200 sessions spent more time building model instances than the database spent
finding them (docs/performance.md). A view that lists rows names the columns a row holds
and attaches what else it needs (children, computed fields) to each row; its serializer
renders a row field by field as the fields render an instance, and tests hold a row and an
instance to the same bytes. The page's keys arrive as text (`keys_as_text`), and the audit
trail records the page while it renders (`audit.trail.rows_read`).
"""

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import tzinfo
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg.types.string import TextLoader
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SerializerMethodField
from rest_framework.settings import api_settings

from httpapi.typing import ViewMixinBase


class RowRepresentation(serializers.Serializer):
    """Renders an instance as DRF does, and a row (a dict) field by field from its keys:
    a related field's key holds the id, a method field's key its value already computed."""

    def to_representation(self, instance):
        if not isinstance(instance, Mapping):
            return super().to_representation(instance)
        represented = {}
        # One loop, no call per value but the field's own: a page of 200 rows holds thousands.
        for name, render in self._row_renderers():
            value = instance[name]
            represented[name] = None if value is None else render(value)
        return represented

    def _row_renderers(self) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
        renderers = getattr(self, "_renderers", None)
        if renderers is None:  # once per page: one serializer renders all its rows
            renderers = self._renderers = _row_renderers(type(self), _shown_in())
        return renderers


def _shown_in() -> tzinfo | None:
    """The time zone DRF shows moments in (its DateTimeField's default)."""
    return timezone.get_current_timezone() if settings.USE_TZ else None


@functools.cache
def _row_renderers(
    serializer_class: type[serializers.Serializer], zone: tzinfo | None
) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Each readable field's name and renderer of a row's value, for moments shown in `zone`.

    Worked out once per serializer class and zone: building a ModelSerializer's fields cost
    a tenth of a list request. Shared between requests, so the fields read nothing of one
    (no request, no context) and are never changed after this."""
    fields = serializer_class()._readable_fields
    # A readable field is bound, so it has its name; the stubs allow None before binding.
    return tuple((cast(str, field.field_name), _renderer(field, zone)) for field in fields)


def _renderer(field, zone: tzinfo | None) -> Callable[[Any], Any]:
    if isinstance(field, serializers.RelatedField):
        return _key
    if isinstance(field, SerializerMethodField):
        return _as_is
    if isinstance(field, serializers.DateTimeField):
        return _moment_renderer(field, getattr(field, "timezone", zone))
    return field.to_representation


def _moment_renderer(field: serializers.DateTimeField, zone: tzinfo | None) -> Callable:
    """DRF's ISO 8601 text of a moment from the database (aware, as USE_TZ keeps them) in
    `zone`, without its checks per value: a page of 200 sessions holds a thousand moments.
    Any other format or zone is left to the field; tests hold both to the same bytes."""
    iso = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if zone is None or iso is None or iso.lower() != ISO_8601:
        return field.to_representation

    def render(moment):
        text = moment.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return render


def _key(value):
    """A related object's key as the JSON encoder would write it, but without its fallback
    (a Python call per value): a UUID as its string, a number as it is."""
    return str(value) if isinstance(value, UUID) else value


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
        rows = queryset.values(*self.row_fields, **self.row_expressions)
        with keys_as_text():
            # The paginator's own page: the audit trail records it below, not on the way.
            page = cast(Any, self.paginator).paginate_queryset(rows, request, view=self)
            self.attach_to_rows(page)
        # Not get_serializer: a page shown offers no choices, so nothing is scoped (ClinicScoped).
        serializer = self.get_serializer_class()(
            page, many=True, context=self.get_serializer_context()
        )
        with self.rows_read(queryset.model, page):
            data = serializer.data  # rendered while the database records the reads
        return self.get_paginated_response(data)


@contextmanager
def keys_as_text() -> Iterator[None]:
    """Within it, PostgreSQL's UUIDs arrive as the text the API shows, not as `UUID` objects.

    A row's keys are only ever shown, compared with each other and sent back to the
    database, and turning some thousand `UUID` objects of a page back into text cost a
    sixth of a list request. Every query of the block answers so (the page's and its
    children's), so keys stay comparable with each other; on SQLite they stay `UUID`s."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(_load_keys_as_text):
        yield


def _load_keys_as_text(execute, sql, params, many, context):
    context["cursor"].cursor.adapters.register_loader("uuid", TextLoader)
    return execute(sql, params, many, context)
