"""Filters every list of the API shares."""

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


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
