from django.core.exceptions import ValidationError
from django.db import models
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from core import moments
from httpapi.filters import UtcIsoDateTimeField

# A moment a cursor holds is read as the moment filters read theirs (any offset, asked in UTC:
# PostgreSQL refuses offsets beyond ±15:59) and must be one the clinic works with.
CURSOR_MOMENT = UtcIsoDateTimeField(validators=[moments.validate_moment])


class ClinicCursorPagination(CursorPagination):
    """Cursor pages, so a page costs the same wherever it is in the list.

    A view may set `cursor_ordering`; the default is newest first.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")

    def get_ordering(self, request, queryset, view):
        return getattr(view, "cursor_ordering", self.ordering)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model  # whose ordering field a cursor's position must fit
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor is the client's to return, not to write: one whose position is no value
        of the ordering field is as invalid as one that does not decode (404), never a
        query the database refuses."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        try:
            return cursor._replace(position=self._as_stored(cursor.position))
        except ValidationError:
            raise NotFound(self.invalid_cursor_message) from None

    def _as_stored(self, position: str) -> str:
        """The position as a value of the ordering field, a moment written in UTC as in the
        cursors DRF writes; ValidationError if it is no value of the field."""
        if "\x00" in position:  # PostgreSQL text cannot hold NUL
            raise ValidationError("A position holds no NUL.")
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        if isinstance(field, models.DateTimeField):
            return str(CURSOR_MOMENT.clean(position))
        field.to_python(position)
        return position
