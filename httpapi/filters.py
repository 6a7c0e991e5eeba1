"""Filters every list of the API shares."""

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend

from httpapi.clinic_scope import scoped_to_clinic


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment with any offset Python accepts, asked of the database in UTC:
    PostgreSQL refuses offsets beyond ±15:59, which Python parses happily (+20:06)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError as exc:  # 9999-12-31T23:00-05:00 is after the last UTC year
            raise ValidationError("That moment is out of range.", code="overflow") from exc


class MomentFilter(django_filters.IsoDateTimeFilter):
    """Filter by an ISO 8601 moment, e.g. `?since=2026-03-02T09:00:00+01:00`."""

    field_class = UtcIsoDateTimeField


class TrueOrFalseSelect(forms.Select):
    """The browsable API's choice for a yes/no filter: nothing (not asked), true or false."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=[("", "Either"), ("true", "Yes"), ("false", "No")])


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false`, as JSON writes them; empty or absent, the filter is not asked."""

    widget = TrueOrFalseSelect
    default_error_messages = {"invalid": "Must be true or false."}

    # NullBooleanField's answer is None too; the stubs give it BooleanField's, bool alone.
    def to_python(self, value: object) -> bool | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if value not in ("true", "false"):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value == "true"


class StrictBooleanFilter(django_filters.BooleanFilter):
    """The API's yes/no filter (`?serious=true`). Anything but true or false is a 400 naming
    the parameter, like any filter's bad value: django-filter's own read `1`, `yes` or a typo
    as not asked, and answered the whole list."""

    field_class = StrictBooleanField


class ClinicFilterBackend(DjangoFilterBackend):
    """The API's filter backend (the default for every list): each filter that names a record
    (`?patient=`, `?therapist=`...) offers and accepts only the caller's clinic's records.

    So the browsable API's filter form lists no other clinic's people, and another clinic's id
    is refused exactly like an id that does not exist, revealing nothing.
    """

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:  # a list without filters
            return None
        clinic_id = getattr(request.user, "clinic_id", None)
        for choice in filterset.filters.values():
            if isinstance(choice, QuerySetRequestMixin):  # names a record: a model choice
                choice.queryset = scoped_to_clinic(choice.get_queryset(request), clinic_id)
        return filterset

    def filter_queryset(self, request, queryset, view):
        """A request that names none of the list's filters gets the list unfiltered, without
        building the filter form and its choices (a tenth of a list request's time)."""
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            filterset_class is None
            or not request.query_params.keys() & filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
