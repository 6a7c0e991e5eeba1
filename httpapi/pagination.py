from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


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
        if cursor is not None and cursor.position is not None and not self._fits(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def _fits(self, position: str) -> bool:
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            field.to_python(position)
        except ValidationError:
            return False
        return "\x00" not in position  # PostgreSQL text cannot hold NUL
