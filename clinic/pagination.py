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
